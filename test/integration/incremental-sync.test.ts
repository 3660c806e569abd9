import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { withSourceDb, tableDigest } from '../support/source-db.ts';
import { TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';

// The nightly sync: only rows changed since the watermark, exactly once, also at the boundaries where
// the well-known tools lose or repeat rows (equal cursors, a batch boundary, a transaction that commits
// late), and across a worker killed mid-sync.
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-incremental-sync');
  await withSourceDb(async (c) => {
    await c.query('DROP TABLE IF EXISTS public.inc_people, public.inc_big');
    await c.query(
      'CREATE TABLE public.inc_people (id integer PRIMARY KEY, name text, deleted boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL)',
    );
    // 20,000 rows in blocks of 150 sharing one updated_at: batch commits fall inside runs of equal cursors.
    await c.query(
      `INSERT INTO public.inc_people SELECT g, 'p' || g, false, TIMESTAMPTZ '2026-11-30 02:00:00+08' + ((g - 1) / 150) * INTERVAL '1 second' FROM generate_series(1, 20000) g`,
    );
  });
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

const spec = (table: string, dataset: string, batchRows = 100): CollectJobSpec =>
  collectSpec({
    dataset,
    source: { type: 'table', connection: 'dept_source', table, incremental: { cursor: 'updated_at', key: 'id', lag: '2s' } },
    target: { table: `raw.${table.split('.')[1]}`, mode: 'merge', deletes: { column: 'deleted' } },
    options: { batchRows, heartbeatSeconds: 5 },
  });

async function published(table: string) {
  // The published table should equal the source minus the rows it marks deleted.
  const target = await env.db.raw(`SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS digest FROM ${table} t`);
  return target.rows[0] as { rows: number; digest: string };
}
const sourceDigest = (table: string) => tableDigest(TEST_SOURCE_DATABASE_URL, `(SELECT * FROM ${table} WHERE NOT deleted)`, 'id');

describe('an incremental sync into a merge target', () => {
  it('copies everything first, then exactly the changed rows, never the ones of a transaction still committing', async () => {
    const s = spec('public.inc_people', 'inc-people');
    const first = await runCollect(env.client, env.config, s);
    expect(first.stage.rows).toBe(20_000);
    expect(first.stage.batches).toBeGreaterThanOrEqual(5);
    expect(await published('raw.inc_people')).toEqual(await sourceDigest('public.inc_people'));

    // A writer opens a transaction and inserts a row stamped with its start time; it commits later.
    const late = new pg.Client({ connectionString: TEST_SOURCE_DATABASE_URL });
    await late.connect();
    await late.query('BEGIN');
    await late.query("INSERT INTO public.inc_people VALUES (50000, 'late', false, now())");
    await new Promise((r) => setTimeout(r, 1_500));
    // Meanwhile others commit: 10 updates, 5 inserts and a soft delete, all stamped after the late row.
    await withSourceDb(async (c) => {
      await c.query(
        "UPDATE public.inc_people SET name = name || ' (moved)', updated_at = clock_timestamp() WHERE id IN (3, 99, 100, 101, 250, 300, 451, 600, 777, 1000)",
      );
      await c.query("INSERT INTO public.inc_people SELECT g, 'new ' || g, false, clock_timestamp() FROM generate_series(20001, 20005) g");
      await c.query('UPDATE public.inc_people SET deleted = true, updated_at = clock_timestamp() WHERE id = 42');
    });
    await new Promise((r) => setTimeout(r, 2_500)); // older than the lag now

    // The open transaction holds the window back: nothing after its start is read yet.
    const second = await runCollect(env.client, env.config, s);
    expect(second.stage.rows).toBe(0);
    await late.query('COMMIT');
    await late.end();
    await new Promise((r) => setTimeout(r, 2_500));

    // Now the late row and the 16 changes, each once.
    const third = await runCollect(env.client, env.config, s);
    expect(third.stage.rows).toBe(17);
    expect(third.publish).toMatchObject({ changed: 16, deleted: 1, rows: 20_005 });
    expect(await published('raw.inc_people')).toEqual(await sourceDigest('public.inc_people'));

    // No changes: nothing read, no new catalogue version.
    const fourth = await runCollect(env.client, env.config, s);
    expect(fourth.stage.rows).toBe(0);
    expect(fourth.publish.version).toBe(third.publish.version);
    const watermark = await env.db('dataops.watermarks').where({ dataset: 'inc-people' }).first();
    expect(watermark).toMatchObject({ cursor_column: 'updated_at', key_column: 'id', run_id: third.runId });
    // The catalogue describes the whole published table after a merge.
    const resource = await env.db('dataops.catalogue_resources').where({ dataset: 'inc-people' }).first();
    expect(Number(resource.row_count)).toBe(20_005);
    const profile = await env.db('dataops.catalogue_columns').where({ resource_id: resource.id, version: resource.current_version, name: 'id' }).first();
    expect(Number(profile.rows)).toBe(20_005);
  });

  it('a worker killed mid-sync resumes after its last committed (cursor, key): no row lost or repeated', async () => {
    await withSourceDb(async (c) => {
      await c.query('CREATE TABLE public.inc_big (id integer PRIMARY KEY, name text, deleted boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL)');
      // 300,000 rows, 1,000 per cursor value: batches of 20,000 end inside runs of equal cursors.
      await c.query(
        `INSERT INTO public.inc_big SELECT g, 'p' || g, false, TIMESTAMPTZ '2026-11-30 02:00:00+08' + (g / 1000) * INTERVAL '1 ms' FROM generate_series(1, 300000) g`,
      );
    });
    const s = spec('public.inc_big', 'inc-big', 20_000);
    await runCollect(env.client, env.config, { ...s, options: { ...s.options, batchRows: 100_000 } });
    await withSourceDb((c) => c.query("UPDATE public.inc_big SET name = name || '*', updated_at = clock_timestamp() - INTERVAL '1 minute' WHERE id % 2 = 0"));

    const childEnv = {
      DATABASE_URL: env.config.databaseUrl,
      TEMPORAL_ADDRESS: env.config.temporal.address,
      DATAOPS_TASK_QUEUE: 'test-incremental-crash',
      DATAOPS_CONNECTION_DEPT_SOURCE: TEST_SOURCE_DATABASE_URL,
    };
    const first = spawnWorker('inc-worker-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const { handle, runId } = await startCollect(env.client, { ...env.config, temporal: { ...env.config.temporal, taskQueue: 'test-incremental-crash' } }, s);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'collect' }).first();
      if (row && row.status !== 'staging') throw new Error('the sync finished before the worker could be killed');
      if (row && row.state.rows >= 40_000) break;
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    const second = spawnWorker('inc-worker-b', childEnv);
    try {
      const result = (await handle.result()) as CollectResult;
      expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
      expect(result.stage.rows).toBe(150_000);
      expect(result.publish.changed).toBe(150_000);
      expect(await published('raw.inc_big')).toEqual(await sourceDigest('public.inc_big'));
    } finally {
      second.kill('SIGTERM');
    }
  });

  it('refuses a merge target without a key, and an incremental source without a merge target, before anything runs', async () => {
    const { jobSpecSchema } = await import('../../schemas/job-spec.ts');
    const base = { kind: 'collect', job: 'j', dataset: 'd', department: 'x' };
    const noKey = jobSpecSchema.safeParse({ ...base, source: { type: 'query', connection: 'c', sql: 'select 1' }, target: { table: 'raw.t', mode: 'merge' } });
    expect(noKey.success).toBe(false);
    expect(noKey.error!.issues[0]).toMatchObject({ path: ['target', 'key'], message: expect.stringMatching(/a merge target needs a key/) });
    const notMerge = jobSpecSchema.safeParse({
      ...base,
      source: { type: 'table', connection: 'c', table: 't', incremental: { cursor: 'updated_at', key: 'id' } },
      target: { table: 'raw.t' },
    });
    expect(notMerge.error!.issues[0]!.message).toMatch(/its target must be mode: merge/);
  });
});

describe('merge targets over many runs', () => {
  it('keep one unique index on the key, however many syncs ran', async () => {
    const indexes = await env.db.raw("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = 'raw' AND tablename = 'inc_people'");
    expect(indexes.rows[0].n).toBe(1);
  });
});

describe('a query source that returns one key twice', () => {
  it('merges the later version (by cursor), whether or not the key was seen before', async () => {
    const sql = `SELECT * FROM (VALUES (1, 'first', false, TIMESTAMPTZ '2026-11-30 01:00:00+08'), (2, 'only', false, TIMESTAMPTZ '2026-11-30 01:30:00+08'),
      (1, 'second', false, TIMESTAMPTZ '2026-11-30 02:00:00+08')) AS v(id, name, deleted, updated_at)`;
    const s = collectSpec({
      dataset: 'inc-versions',
      source: { type: 'query', connection: 'dept_source', sql, incremental: { cursor: 'updated_at', key: 'id', lag: '2s' } },
      target: { table: 'raw.inc_versions', mode: 'merge', key: ['id'] },
    });
    const first = await runCollect(env.client, env.config, s);
    expect(first.stage.rows).toBe(3);
    expect(await env.db('raw.inc_versions').orderBy('id').select('id', 'name')).toEqual([
      { id: 1, name: 'second' },
      { id: 2, name: 'only' },
    ]);
    // Into an existing table too (the upsert path, not the first publish).
    await env.db('dataops.watermarks').where({ dataset: 'inc-versions' }).delete();
    await env.db('raw.inc_versions').update({ name: 'stale' });
    await runCollect(env.client, env.config, s);
    expect(await env.db('raw.inc_versions').orderBy('id').select('id', 'name')).toEqual([
      { id: 1, name: 'second' },
      { id: 2, name: 'only' },
    ]);
  });
});
