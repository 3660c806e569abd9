import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema, type CleanseJobSpec } from '../../schemas/job-spec.ts';
import { reconcileRunRecords } from '../../activities/runs/reconcile-runs.ts';
import { logger } from '../../config/logger.ts';
import { ensureReconcileSchedule, RECONCILE_SCHEDULE_ID } from '../../temporal/reconcile-schedule.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';

// Runs that end outside their own code (terminated from the Web UI or CLI, cancelled) must not stay
// `running` with their staging and quarantine left behind.
const ROWS = 300_000;
let env: TestEnv;
const log = logger().child({ test: 'terminated-runs' }, { level: 'warn' });

beforeAll(async () => {
  env = await startTestEnv('test-terminated-runs');
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS raw');
  await env.db.raw('DROP TABLE IF EXISTS raw.term_people');
  // Every 7th mobile is invalid, so quarantine entries are written from the first batch on.
  await env.db.raw(`CREATE TABLE raw.term_people AS
    SELECT g AS id, CASE WHEN g % 7 = 0 THEN '12' || lpad(g::text, 9, '0') ELSE '139' || lpad(g::text, 8, '0') END AS mobile
    FROM generate_series(1, ${ROWS}) g`);
  await env.db.raw('ALTER TABLE raw.term_people ADD PRIMARY KEY (id)');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

const spec: CleanseJobSpec = cleanseJobSpecSchema.parse({
  kind: 'cleanse',
  job: 'term-cleanse',
  dataset: 'term-clean',
  department: 'test',
  today: '2026-11-01',
  source: { type: 'table', connection: 'centre', table: 'raw.term_people' },
  key: ['id'],
  target: { table: 'clean.term_people' },
  options: { batchRows: 10_000, heartbeatSeconds: 2 },
  rules: { columns: { mobile: { validate: ['mobile.valid'] } } },
});

let counter = 0;
async function startMidStaging() {
  const started = await startJob(env.client, env.config, spec, `cleanse:term:${Date.now()}-${++counter}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await env.db('dataops.checkpoints').where({ run_id: started.runId, step: 'cleanse' }).first();
    if (row && row.status !== 'staging') throw new Error('staging finished too soon; make the table bigger');
    if (row && row.state.rows >= 30_000) return { ...started, stagingTable: row.state.stagingTable as string };
    if (Date.now() > deadline) throw new Error('no batch committed in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function leftovers(runId: string, stagingTable: string) {
  const table = (await env.db.raw('SELECT to_regclass(?) AS t', [stagingTable])).rows[0].t;
  const quarantine = Number((await env.db('dataops.quarantine').where({ run_id: runId }).count('* as n'))[0]!.n);
  const run = await env.db('dataops.runs').where({ run_id: runId }).first('status', 'error', 'ended_at');
  return { table, quarantine, run };
}

describe('runs that end from outside', () => {
  it('a run terminated mid-staging is reconciled to terminated; its staging and unpublished quarantine are gone', async () => {
    const { handle, runId, stagingTable } = await startMidStaging();
    expect(Number((await env.db('dataops.quarantine').where({ run_id: runId }).count('* as n'))[0]!.n)).toBeGreaterThan(0);
    await handle.terminate('terminated by the test, as from the Web UI');
    expect((await leftovers(runId, stagingTable)).run.status).toBe('running');

    // The activity notices at its next heartbeat; until then it may hold the staging table, and the
    // reconciler defers rather than wait. Looking from a minute ahead skips the grace period.
    let closed = false;
    for (let round = 0; round < 30 && !closed; round++) {
      const summary = await reconcileRunRecords(env.db, env.client, log, new Date(Date.now() + 60_000));
      closed = summary.closed.some((c) => c.runId === runId);
      if (!closed) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(closed).toBe(true);
    const after = await leftovers(runId, stagingTable);
    expect(after.run.status).toBe('terminated');
    expect(after.run.error).toMatch(/terminated in Temporal/);
    expect(after.run.ended_at).not.toBeNull();
    expect(after.table).toBeNull();
    expect(after.quarantine).toBe(0);
    // Idempotent: a second round finds nothing more to do for it.
    const again = await reconcileRunRecords(env.db, env.client, log, new Date(Date.now() + 60_000));
    expect(again.closed.map((c) => c.runId)).not.toContain(runId);
  });

  it('a run cancelled mid-staging is recorded as cancelled, with the same clean-up', async () => {
    const { handle, runId, stagingTable } = await startMidStaging();
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const after = await leftovers(runId, stagingTable);
    expect(after.run.status).toBe('cancelled');
    expect(after.table).toBeNull();
    expect(after.quarantine).toBe(0);
  });

  it('a later run of the same job is unaffected', async () => {
    const { handle, runId } = await startJob(env.client, env.config, spec, `cleanse:term:${Date.now()}-later`);
    const result = (await handle.result()) as CleanseResult;
    const invalid = Math.floor(ROWS / 7);
    expect(result.stage).toMatchObject({ rows: ROWS, rejected: invalid, clean: ROWS - invalid, attempt: 1 });
    expect(Number((await env.db('clean.term_people').count('* as n'))[0]!.n)).toBe(ROWS - invalid);
    expect(Number((await env.db('dataops.quarantine').where({ run_id: runId }).count('* as n'))[0]!.n)).toBe(invalid);
    expect((await env.db('dataops.runs').where({ run_id: runId }).first('status')).status).toBe('succeeded');
  });
});

describe('the reconcile schedule', () => {
  it('is created once, updated after, and each firing runs the reconcileRuns workflow to completion', async () => {
    await env.client.schedule
      .getHandle(RECONCILE_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
    expect(await ensureReconcileSchedule(env.client, env.taskQueue)).toBe(true);
    expect(await ensureReconcileSchedule(env.client, env.taskQueue)).toBe(false);
    const schedule = env.client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
    const described = await schedule.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcileRuns', taskQueue: env.taskQueue });
    expect(described.spec.intervals?.[0]?.every).toBe(5 * 60_000);
    expect(described.policies.overlap).toBe('SKIP');
    await schedule.trigger();
    const deadline = Date.now() + 30_000;
    let completed = false;
    while (!completed && Date.now() < deadline) {
      const recent = (await schedule.describe()).info.recentActions;
      const run = recent[recent.length - 1]?.action;
      if (run) {
        const result = await env.client.workflow.getHandle(run.workflow.workflowId, run.workflow.firstExecutionRunId).result();
        expect(result).toMatchObject({ checked: expect.any(Number), closed: expect.any(Array) });
        completed = true;
      } else await new Promise((r) => setTimeout(r, 250));
    }
    expect(completed).toBe(true);
    await schedule.delete();
  });
});
