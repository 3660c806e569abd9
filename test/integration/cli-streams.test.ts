import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAllDbs } from '../../db/knex.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { runCliAsync } from '../support/cli.ts';
import { deleteTestStream, SHARED_NATS_URL } from '../support/jetstream.ts';

// A stream from the CLI as a user drives it: sample events fed, the job run, its status, pause, resume,
// stop, the list, and a second start refused while it runs.
let env: TestEnv;
const tag = `${process.pid}`;
const stream = `DATAOPS_CLI_${tag}`;
const job = `cli-permits-${tag}`;
let specPath: string;
let cliEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = await startTestEnv('test-cli-streams');
  cliEnv = {
    DATABASE_URL: env.config.databaseUrl,
    TEMPORAL_ADDRESS: env.config.temporal.address,
    DATAOPS_TASK_QUEUE: 'test-cli-streams',
    DATAOPS_CONNECTION_CENTRE_NATS: SHARED_NATS_URL,
  };
  const dir = mkdtempSync(join(tmpdir(), 'dataops-cli-streams-'));
  specPath = join(dir, 'permits.yaml');
  const sample = (await import('node:fs')).readFileSync(join(PROJECT_ROOT, 'samples', 'jobs', 'stream-permits.yaml'), 'utf8');
  writeFileSync(
    specPath,
    sample
      .replace('job: market-permits-stream', `job: ${job}`)
      .replace('stream: MARKET_PERMITS', `stream: ${stream}`)
      .replace('subject: market.permits.>', `subject: cli.${tag}.permits.>`)
      .replace('table: stream.market_permits', `table: stream.cli_permits_${tag}`)
      .replace('batch: { maxMessages: 2000, maxWait: 1s }', 'batch: { maxMessages: 2000, maxWait: 1s }\noptions: { heartbeatSeconds: 5, sliceSeconds: 60 }'),
  );
});
afterAll(async () => {
  await deleteTestStream(stream);
  await env.stop();
  await closeAllDbs();
});

describe('dataops streams', () => {
  it('feeds, runs, reports, pauses, resumes and stops a stream', async () => {
    const refused = await runCliAsync(['streams', 'feed', specPath, '--count', '10'], cliEnv);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`stream ${stream} does not exist`);
    const fed = await runCliAsync(['streams', 'feed', specPath, '--count', '5000', '--invalid', '0.1', '--seed', '7', '--create-stream'], cliEnv, {
      timeoutMs: 60_000,
    });
    expect(fed.status).toBe(0);
    const defective = Number(/\((\d+) defective/.exec(fed.stdout)?.[1]);
    expect(defective).toBeGreaterThan(300);

    const run = await runCliAsync(['run', specPath], cliEnv);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`started stream-ingest:${job}`);
    const again = await runCliAsync(['run', specPath], cliEnv);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`stream ${job} is already running`);

    await expect
      .poll(async () => Number((await env.db('dataops.streams').where({ job }).first())?.messages ?? 0), { timeout: 60_000, interval: 200 })
      .toBe(5000);
    const status = await runCliAsync(['streams', 'status', job, '--json'], cliEnv);
    expect(status.status).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.live.state).toBe('running');
    expect(parsed.catalogue).toMatchObject({ messages: 5000, quarantined: defective, written: 5000 - defective, state: 'running' });

    // `dataops status` on a stream's run shows the stream, not a progress bar that never ends.
    const runId = (await env.db('dataops.streams').where({ job }).first()).run_id as string;
    const generic = await runCliAsync(['status', runId], cliEnv);
    expect(generic.status).toBe(0);
    expect(generic.stdout).toMatch(/state\s+running/);
    expect(generic.stdout).toContain('messages    5,000');

    const paused = await runCliAsync(['streams', 'pause', job], cliEnv);
    expect(paused.stdout).toContain(`${job}: paused`);
    await expect.poll(async () => (await env.db('dataops.streams').where({ job }).first())?.state, { timeout: 10_000 }).toBe('paused');
    expect((await runCliAsync(['streams', 'resume', job], cliEnv)).stdout).toContain(`${job}: running`);
    const stopped = await runCliAsync(['streams', 'stop', job], cliEnv);
    expect(stopped.stdout).toContain(`${job}: stopping`);
    await expect.poll(async () => (await env.db('dataops.streams').where({ job }).first())?.state, { timeout: 10_000 }).toBe('stopped');
    const list = await runCliAsync(['streams'], cliEnv);
    expect(list.stdout).toMatch(new RegExp(`${job}\\s+stopped`));
    const notRunning = await runCliAsync(['streams', 'pause', job], cliEnv);
    expect(notRunning.status).toBe(1);
    expect(notRunning.stderr).toContain(`stream "${job}" is not running`);
  }, 180_000);
});
