import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { runCliAsync as runCli } from '../support/cli.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema } from '../../schemas/job-spec.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { stagingTableName } from '../../activities/staging/staging-table.ts';

// status, cancel, runs show and run --wait, through the real CLI against the real services.
// Big enough (several seconds of staging) that there is a run to watch and cancel.
const ROWS = 2_000_000;
let env: TestEnv;
let cliEnv: NodeJS.ProcessEnv;
const dir = mkdtempSync(join(tmpdir(), 'dataops-cli-control-'));

beforeAll(async () => {
  env = await startTestEnv('test-cli-run-control');
  cliEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: env.taskQueue, LOG_LEVEL: 'warn' };
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS raw');
  await env.db.raw('DROP TABLE IF EXISTS raw.ctl_people');
  await env.db.raw(`CREATE TABLE raw.ctl_people AS SELECT g AS id, '139' || lpad(g::text, 8, '0') AS mobile FROM generate_series(1, ${ROWS}) g`);
  await env.db.raw('ALTER TABLE raw.ctl_people ADD PRIMARY KEY (id)');
  await env.db.raw('ANALYZE raw.ctl_people');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

const spec = (target: string) =>
  cleanseJobSpecSchema.parse({
    kind: 'cleanse',
    job: 'ctl-cleanse',
    dataset: `ctl-${target}`,
    department: 'test',
    today: '2026-11-01',
    source: { type: 'table', connection: 'centre', table: 'raw.ctl_people' },
    target: { table: `clean.${target}` },
    // Small batches keep the run going long enough to watch and cancel it.
    options: { batchRows: 1_000, heartbeatSeconds: 5 },
    rules: { columns: { mobile: { normalise: ['mobile'], validate: ['mobile.valid'] } } },
  });

async function whenStaging(runId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'cleanse' }).first();
    if (row?.state.rows >= 5_000) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no batch committed in time');
}

describe('following and stopping runs from the CLI', () => {
  it('status --once shows the step, rows of the estimated total and a bar; cancel --wait ends it as cancelled', { timeout: 120_000 }, async () => {
    const { runId } = await startJob(env.client, env.config, spec('ctl_cancel'), `cleanse:ctl:${Date.now()}`);
    await whenStaging(runId);
    // Hold the run between two batches (a lock on its staging table), so that however fast the machine,
    // status looks at a run in progress.
    const hold = await env.db.transaction();
    try {
      await hold.raw(`LOCK TABLE ${stagingTableName(runId, 'cleanse')} IN ACCESS EXCLUSIVE MODE`);
      await new Promise((r) => setTimeout(r, 1_500)); // a heartbeat carrying live counts
      const status = await runCli(['status', runId, '--once'], cliEnv);
      expect(status.stderr).toBe('');
      expect(status.stdout).toMatch(new RegExp(`${runId}\\s+cleanse\\s+\\[[#-]{20}\\]\\s+\\d+%\\s+[\\d,]+ / ~2,000,000 rows`));
    } finally {
      await hold.commit();
    }

    // A source that takes its time (pg_sleep per row) leaves time to cancel.
    const slow = {
      ...spec('ctl_cancel_slow'),
      source: {
        type: 'query' as const,
        connection: 'centre',
        sql: 'SELECT id, mobile FROM raw.ctl_people, LATERAL (SELECT pg_sleep(0.0001)) AS slow',
        key: 'id',
        columnNames: 'keep' as const,
      },
    };
    const victim = await startJob(env.client, env.config, slow, `cleanse:ctl-slow:${Date.now()}`);
    await whenStaging(victim.runId);
    const cancelled = await runCli(['cancel', victim.runId, '--wait'], cliEnv, { timeoutMs: 60_000 });
    expect(cancelled.stdout).toContain(`cancellation requested for ${victim.runId}`);
    expect(cancelled.stdout).toContain(`${victim.runId}: cancelled`);
    expect(cancelled.status).toBe(0);
    expect((await runCli(['cancel', victim.runId], cliEnv)).stderr).toContain('is not running (cancelled)');
  });

  it('runs show lists the steps with their metrics and links the Web UI', { timeout: 120_000 }, async () => {
    const { handle, runId } = await startJob(
      env.client,
      env.config,
      { ...spec('ctl_show'), options: { batchRows: 100_000, heartbeatSeconds: 30 } },
      `cleanse:ctl-show:${Date.now()}`,
    );
    await handle.result();
    const shown = await runCli(['runs', 'show', runId], { ...cliEnv, DATAOPS_UI_URL: 'http://ui.example' });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`${runId}  succeeded`);
    expect(shown.stdout).toMatch(/published clean\.ctl_show as version 1 of ctl-ctl_show/);
    expect(shown.stdout).toMatch(/cleanse\s+1\s+2,000,000\s+2,000,000\s+0/);
    expect(shown.stdout).toContain(`Web UI: http://ui.example/namespaces/default/workflows/${encodeURIComponent(runId)}`);
    const json = JSON.parse((await runCli(['runs', 'show', runId, '--json'], cliEnv)).stdout);
    expect(json.steps[0]).toMatchObject({ step: 'cleanse', records_in: ROWS, records_out: ROWS });
  });

  it('run --wait warns when no worker polls, and on Ctrl-C says the run goes on and how to cancel it', { timeout: 120_000 }, async () => {
    const path = join(dir, 'orphan.yaml');
    writeFileSync(
      path,
      'kind: collect\njob: orphan\ndataset: orphan\ndepartment: test\nsource: { type: file, connection: samples, path: residents.csv }\ntarget: { table: raw.orphan }\n',
    );
    // A task queue no worker polls.
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'dataops.mjs'), 'run', path, '--wait', '--id', `collect:orphan:${Date.now()}`], {
      cwd: dir,
      env: { ...process.env, ...cliEnv, DATAOPS_TASK_QUEUE: 'nobody-polls-this' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 40_000;
    while (!output.includes('no worker polls') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(output).toContain('no worker polls task queue "nobody-polls-this"');
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    const runId = /started (\S+)/.exec(output)![1]!;
    expect(output).toContain(`stopped following ${runId}; the run goes on. Follow it again: dataops status ${runId} · cancel it: dataops cancel ${runId}`);
    expect(code).toBe(130);
    const description = await env.client.workflow.getHandle(runId).describe();
    expect(description.status.name).toBe('RUNNING');
    await env.client.workflow.getHandle(runId).terminate('test done');
  });
});
