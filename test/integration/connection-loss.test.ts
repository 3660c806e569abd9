import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, startCollect } from '../support/run-job.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { writeWideCsv } from '../../samples/generator/wide-csv.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema } from '../../schemas/job-spec.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';

// A database connection ended under a running activity (pg_terminate_backend, a server restart) must
// fail that activity, which Temporal retries, and never the worker process.
const ROWS = 300_000;
const TASK_QUEUE = 'test-connection-loss';
let env: TestEnv;
let worker: ReturnType<typeof spawnWorker>;
const path = join(mkdtempSync(join(tmpdir(), 'dataops-connloss-')), 'wide.csv');

beforeAll(async () => {
  env = await startTestEnv(TASK_QUEUE, { worker: false });
  await writeWideCsv(path, ROWS);
  worker = spawnWorker('worker-connloss', {
    DATABASE_URL: env.config.databaseUrl,
    TEMPORAL_ADDRESS: env.config.temporal.address,
    DATAOPS_TASK_QUEUE: TASK_QUEUE,
  });
  await waitForOutput(worker, /worker ready/);
});
afterAll(async () => {
  if (worker.exitCode === null) worker.kill('SIGKILL');
  await env.stop();
  await closeAllDbs();
});

/** Waits until the step has committed `rows`, then ends every backend of the given application names. */
async function terminateMidStaging(runId: string, step: string, rows: number, applications: string[]): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await env.db('dataops.checkpoints').where({ run_id: runId, step }).first();
    if (row && row.status !== 'staging') throw new Error('staging finished before its connections could be ended');
    if (row && row.state.rows >= rows) break;
    if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const ended = await env.db.raw('SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ANY(?)) t', [
    applications,
  ]);
  return ended.rows[0].n;
}

describe('a database connection terminated mid-run', () => {
  it('collect: the activity retries and the worker lives on; the table has exactly the source rows', async () => {
    const spec = collectSpec({ source: { type: 'file', path }, target: { table: 'raw.it_connloss' }, options: { batchRows: 20_000, heartbeatSeconds: 5 } });
    const { handle, runId } = await startCollect(env.client, env.config, spec);
    expect(await terminateMidStaging(runId, 'collect', 40_000, ['dataops-collect'])).toBeGreaterThan(0);
    const result = (await handle.result()) as CollectResult;
    expect(worker.exitCode).toBeNull();
    expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
    const stats = (await env.db.raw('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM raw.it_connloss')).rows[0];
    expect(stats).toEqual({ n: ROWS, ids: ROWS });
  });

  it('cleanse: the source and staging connections both ended; exactly the source rows again', async () => {
    const spec = cleanseJobSpecSchema.parse({
      kind: 'cleanse',
      job: 'connloss-cleanse',
      dataset: 'connloss-clean',
      department: 'test',
      today: '2026-11-01',
      source: { type: 'table', connection: 'centre', table: 'raw.it_connloss', key: 'id' },
      key: ['id'],
      target: { table: 'clean.it_connloss' },
      options: { batchRows: 20_000, heartbeatSeconds: 5 },
      rules: { columns: { mobile: { normalise: ['mobile'], validate: ['mobile.valid'] } } },
    });
    const { handle, runId } = await startJob(env.client, env.config, spec, `cleanse:connloss:${Date.now()}`);
    expect(await terminateMidStaging(runId, 'cleanse', 40_000, ['dataops-cleanse', 'dataops-source'])).toBeGreaterThanOrEqual(2);
    const result = (await handle.result()) as CleanseResult;
    expect(worker.exitCode).toBeNull();
    expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
    expect(result.stage.rows).toBe(ROWS);
    expect(result.stage.clean + result.stage.flagged + result.stage.rejected).toBe(ROWS);
    const published = (await env.db.raw('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids FROM clean.it_connloss')).rows[0];
    expect(published).toEqual({ n: result.publish.published, ids: result.publish.published });
    const quarantined = await env.db('dataops.quarantine').where({ run_id: runId }).countDistinct<{ n: string }[]>('source_ref as n');
    expect(Number(quarantined[0]!.n)).toBe(result.stage.rejected);
  });
});
