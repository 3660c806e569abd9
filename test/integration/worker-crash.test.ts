import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, startCollect } from '../support/run-job.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { writeWideCsv, WIDE_CSV_COLUMNS } from '../../samples/generator/wide-csv.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';

const ROWS = 600_000;
const TASK_QUEUE = 'test-worker-crash';
let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'dataops-crash-'));
const path = join(dir, 'big.csv');
const workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  env = await startTestEnv(TASK_QUEUE, { worker: false });
  await writeWideCsv(path, ROWS);
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env.stop();
  await closeAllDbs();
});

describe('a worker killed mid-collection', () => {
  it('resumes on another worker from the last committed batch: exactly the source rows, metrics counted once', async () => {
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: TASK_QUEUE };
    const first = spawnWorker('worker-a', childEnv);
    workers.push(first);
    await waitForOutput(first, /worker ready/);

    const spec = collectSpec({
      dataset: 'it-crash',
      source: { type: 'file', path },
      target: { table: 'raw.it_crash' },
      options: { batchRows: 20_000, heartbeatSeconds: 3 },
    });
    const { handle, runId } = await startCollect(env.client, env.config, spec);

    // Kill worker A for real once at least two batches are committed and staging is still going.
    const deadline = Date.now() + 60_000;
    let committedAtKill = 0;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'collect' }).first();
      if (row && row.status !== 'staging') throw new Error('staging finished before the worker could be killed; make the file bigger');
      if (row && row.state.rows >= 40_000) {
        first.kill('SIGKILL');
        committedAtKill = row.state.rows;
        break;
      }
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => first.once('exit', r));
    expect(first.signalCode).toBe('SIGKILL');

    const second = spawnWorker('worker-b', childEnv);
    workers.push(second);
    const result = (await handle.result()) as CollectResult;
    second.kill('SIGTERM');

    expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
    expect(result.stage.resumedFromRow).toBeGreaterThanOrEqual(committedAtKill);
    expect(result.stage.resumedFromRow).toBeLessThan(ROWS);
    expect(result.stage.rows).toBe(ROWS);

    const stats = (
      await env.db.raw('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, sum(id)::text AS total, min(id) AS lo, max(id) AS hi FROM raw.it_crash')
    ).rows[0];
    expect(stats).toEqual({ n: ROWS, ids: ROWS, total: String((ROWS * (ROWS + 1)) / 2), lo: 1, hi: ROWS });

    const metrics = await env.db('dataops.step_metrics').where({ run_id: runId });
    expect(metrics).toHaveLength(1);
    expect(Number(metrics[0].records_in)).toBe(ROWS);
    expect(metrics[0].attempt).toBeGreaterThanOrEqual(2);
    // The column profile resumed with the checkpoint too: counts cover every row exactly once.
    const completeness = await env.db('dataops.quality_indicators').where({ run_id: runId, column_name: 'note', indicator: 'completeness.non_null' }).first();
    expect(Number(completeness.b)).toBe(ROWS);
    expect(Number(completeness.a)).toBe(ROWS - ROWS / 50);
    const resource = await env.db('dataops.catalogue_resources').where({ dataset: 'it-crash' }).first();
    expect(Number(resource.row_count)).toBe(ROWS);
    const columns = await env.db('dataops.catalogue_columns').where({ resource_id: resource.id }).orderBy('ordinal');
    expect(columns.map((c) => c.name)).toEqual(WIDE_CSV_COLUMNS);
    expect(Number(columns[0].rows)).toBe(ROWS);

    // The retry ran on the second worker.
    const history = await handle.fetchHistory();
    const started = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes?.attempt && e.activityTaskStartedEventAttributes.attempt > 1);
    expect(started.map((e) => e.activityTaskStartedEventAttributes!.identity)).toContain('worker-b');
  });
});
