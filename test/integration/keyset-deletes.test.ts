import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { tableDigest, withSourceDb } from '../support/source-db.ts';
import { TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';
import type { CollectJobSpec, JobSpecInput } from '../../schemas/job-spec.ts';

// Hard deletes, which an incremental read never sees, found by comparing the source's keys with the
// published table's: only when due, under renamed and two-column keys, never because of a NULL, never
// a mass deletion without being told, and exactly once across a retried key copy.
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-keyset-deletes');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

const LAG = '1s';
/** Past the lag: rows just written become readable. */
const pastLag = () => new Promise((r) => setTimeout(r, 1_500));

async function sourceTable(table: string, rows: number): Promise<void> {
  await withSourceDb(async (c) => {
    await c.query(`DROP TABLE IF EXISTS ${table}`);
    await c.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name text, deleted boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL)`);
    await c.query(`INSERT INTO ${table} SELECT g, 'p' || g, false, now() - INTERVAL '1 hour' + g * INTERVAL '1 ms' FROM generate_series(1, $1::int) g`, [rows]);
  });
}

const sync = (
  table: string,
  dataset: string,
  target: Partial<Extract<JobSpecInput, { kind: 'collect' }>['target']> & object,
  source: object = {},
): CollectJobSpec =>
  collectSpec({
    dataset,
    source: { type: 'table', connection: 'dept_source', table, incremental: { cursor: 'updated_at', key: 'id', lag: LAG }, ...source },
    target: { table: `raw.${table.split('.')[1]}`, mode: 'merge', ...target } as Extract<JobSpecInput, { kind: 'collect' }>['target'],
    options: { batchRows: 1_000, heartbeatSeconds: 5 },
  });

async function publishedIds(table: string, key = 'id'): Promise<number[]> {
  return (await env.db.raw(`SELECT ${key} AS k FROM ${table} ORDER BY 1`)).rows.map((r: { k: number }) => r.k);
}

async function sourceIds(sql: string): Promise<number[]> {
  return withSourceDb(async (c) => (await c.query(sql)).rows.map((r) => r.k));
}

async function catalogued(dataset: string) {
  const resource = await env.db('dataops.catalogue_resources').where({ dataset }).first();
  return { rows: Number(resource.row_count), version: Number(resource.current_version) };
}

/** Tables left in the staging schema by a run. */
async function leftovers(runId: string): Promise<string[]> {
  const rows = await env.db('dataops.checkpoints').where({ run_id: runId }).select('state');
  const tables = rows.map((r) => r.state.stagingTable as string).filter(Boolean);
  const existing = await env.db.raw('SELECT t FROM unnest(?::text[]) t WHERE to_regclass(t) IS NOT NULL', [tables]);
  return existing.rows.map((r: { t: string }) => r.t);
}

describe('deletes by key-set comparison', () => {
  it('hard-deleted rows leave the published table, with the soft-deleted ones, and the catalogue counts what is left', async () => {
    await sourceTable('public.ks_people', 1_000);
    const spec = sync('public.ks_people', 'ks-people', { deletes: { column: 'deleted', compareKeys: { every: '0s' } } });
    const first = await runCollect(env.client, env.config, spec);
    expect(first.keys).toMatchObject({ compared: true, keys: 1_000 });
    expect(first.publish).toMatchObject({ rows: 1_000, deleted: 0 });

    await withSourceDb(async (c) => {
      await c.query('DELETE FROM public.ks_people WHERE id % 100 = 7'); // 10 hard deletes
      await c.query("UPDATE public.ks_people SET name = name || '*', updated_at = now() WHERE id IN (1, 2, 3)");
      await c.query('UPDATE public.ks_people SET deleted = true, updated_at = now() WHERE id = 500'); // 1 soft delete
      await c.query("INSERT INTO public.ks_people VALUES (1001, 'new', false, now())");
    });
    await pastLag();
    const second = await runCollect(env.client, env.config, spec);
    expect(second.stage.rows).toBe(5);
    expect(second.keys).toMatchObject({ compared: true, keys: 991 });
    expect(second.publish).toMatchObject({ changed: 4, deleted: 11, rows: 990 });
    expect(await publishedIds('raw.ks_people')).toEqual(await sourceIds('SELECT id AS k FROM public.ks_people WHERE NOT deleted ORDER BY 1'));
    const published = await env.db.raw("SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY t.id)) AS digest FROM raw.ks_people t");
    expect(published.rows[0]).toEqual(await tableDigest(TEST_SOURCE_DATABASE_URL, '(SELECT * FROM public.ks_people WHERE NOT deleted)', 'id'));
    expect(await catalogued('ks-people')).toEqual({ rows: 990, version: first.publish.version + 1 });
    expect(await leftovers(second.runId)).toEqual([]);
    // The comparison is recorded under the run's logical date, beside the watermark it was published with.
    const run = await env.db('dataops.runs').where({ run_id: second.runId }).first();
    const watermark = await env.db('dataops.watermarks').where({ dataset: 'ks-people' }).first();
    expect(watermark.keys_compared_at.toISOString()).toBe(run.logical_date.toISOString());
    expect(watermark.run_id).toBe(second.runId);

    // Deletes alone, no changed rows: still a new catalogue version with the right count.
    await withSourceDb((c) => c.query('DELETE FROM public.ks_people WHERE id IN (10, 20, 30)'));
    const third = await runCollect(env.client, env.config, spec);
    expect(third.stage.rows).toBe(0);
    expect(third.publish).toMatchObject({ changed: 0, deleted: 3, rows: 987 });
    expect(await catalogued('ks-people')).toEqual({ rows: 987, version: first.publish.version + 2 });
    const metrics = await env
      .db('dataops.catalogue_columns')
      .where({ resource_id: (await env.db('dataops.catalogue_resources').where({ dataset: 'ks-people' }).first()).id, name: 'id' })
      .orderBy('version', 'desc')
      .first();
    expect(Number(metrics.rows)).toBe(987);
  });

  it('compares no more often than `every`: a run that is not due deletes nothing, the next due one does', async () => {
    await sourceTable('public.ks_daily', 100);
    const spec = sync('public.ks_daily', 'ks-daily', { deletes: { compareKeys: { every: '1d' } } });
    const first = await runCollect(env.client, env.config, spec);
    expect(first.keys).toMatchObject({ compared: true, keys: 100 });
    const comparedAt = (await env.db('dataops.watermarks').where({ dataset: 'ks-daily' }).first()).keys_compared_at as Date;

    await withSourceDb((c) => c.query('DELETE FROM public.ks_daily WHERE id IN (5, 6)'));
    const second = await runCollect(env.client, env.config, spec);
    expect(second.keys).toEqual({ compared: false, keys: 0, attempt: 1, lastCompared: comparedAt.toISOString() });
    expect(second.publish).toMatchObject({ deleted: 0, rows: 100 });
    expect(await publishedIds('raw.ks_daily')).toContain(5);
    expect(await env.db('dataops.checkpoints').where({ run_id: second.runId, step: 'source_keys' })).toEqual([]);
    expect((await env.db('dataops.watermarks').where({ dataset: 'ks-daily' }).first()).keys_compared_at).toEqual(comparedAt);

    // A day later (by the stored comparison date) it is due again.
    await env.db.raw("UPDATE dataops.watermarks SET keys_compared_at = keys_compared_at - INTERVAL '1 day' WHERE dataset = 'ks-daily'");
    const third = await runCollect(env.client, env.config, spec);
    expect(third.keys).toMatchObject({ compared: true, keys: 98 });
    expect(third.publish).toMatchObject({ deleted: 2, rows: 98 });
    expect(await publishedIds('raw.ks_daily')).not.toContain(5);
    expect(await catalogued('ks-daily')).toMatchObject({ rows: 98 });
  });

  it('reads the source by its own names when the key column is renamed (columns map)', async () => {
    await sourceTable('public.ks_renamed', 50);
    const spec = sync(
      'public.ks_renamed',
      'ks-renamed',
      { key: ['person_id'], deletes: { compareKeys: {} } },
      { columns: { id: 'person_id', name: 'full_name', updated_at: 'updated_at' } },
    );
    await runCollect(env.client, env.config, spec);
    await withSourceDb((c) => c.query('DELETE FROM public.ks_renamed WHERE id IN (1, 50)'));
    const second = await runCollect(env.client, env.config, spec);
    expect(second.publish).toMatchObject({ deleted: 2, rows: 48 });
    expect(await publishedIds('raw.ks_renamed', 'person_id')).toEqual(await sourceIds('SELECT id AS k FROM public.ks_renamed ORDER BY 1'));
  });

  it('reads the source by its own names when names are derived (query source, columnNames: pinyin)', async () => {
    await withSourceDb(async (c) => {
      await c.query('DROP TABLE IF EXISTS public.ks_cn');
      await c.query('CREATE TABLE public.ks_cn ("编号" integer PRIMARY KEY, "姓名" text, updated_at timestamptz NOT NULL)');
      await c.query("INSERT INTO public.ks_cn SELECT g, '张' || g, now() - INTERVAL '1 hour' FROM generate_series(1, 40) g");
    });
    const spec = collectSpec({
      dataset: 'ks-cn',
      source: {
        type: 'query',
        connection: 'dept_source',
        sql: 'SELECT "编号", "姓名", updated_at FROM public.ks_cn',
        columnNames: 'pinyin',
        incremental: { cursor: 'updated_at', key: '编号', lag: LAG },
      },
      // No target.key: the merge key defaults to the incremental key, 编号, published as bian_hao.
      target: { table: 'raw.ks_cn', mode: 'merge', deletes: { compareKeys: {} } },
    });
    await runCollect(env.client, env.config, spec);
    await withSourceDb((c) => c.query('DELETE FROM public.ks_cn WHERE "编号" <= 3'));
    const second = await runCollect(env.client, env.config, spec);
    expect(second.keys).toMatchObject({ compared: true, keys: 37 });
    expect(second.publish).toMatchObject({ deleted: 3, rows: 37 });
    expect((await publishedIds('raw.ks_cn', 'bian_hao'))[0]).toBe(4);
  });

  it('matches two-column keys column by column, and never deletes a row whose key has a NULL', async () => {
    await withSourceDb(async (c) => {
      await c.query('DROP TABLE IF EXISTS public.ks_posts');
      await c.query(
        'CREATE TABLE public.ks_posts (person_id integer, post_id integer, title text, seq integer NOT NULL UNIQUE, updated_at timestamptz NOT NULL, UNIQUE (person_id, post_id))',
      );
      // Post numbers repeat across people: (1, 2) and (2, 1) are other rows than (1, 1) and (2, 2).
      await c.query(
        `INSERT INTO public.ks_posts SELECT p, q, 'post ' || p || '/' || q, p * 10 + q, now() - INTERVAL '1 hour' FROM generate_series(1, 3) p, generate_series(1, 3) q`,
      );
      await c.query("INSERT INTO public.ks_posts VALUES (NULL, 7, 'nobody''s', 100, now() - INTERVAL '1 hour')");
    });
    const spec = sync(
      'public.ks_posts',
      'ks-posts',
      { key: ['person_id', 'post_id'], deletes: { compareKeys: {} } },
      { incremental: { cursor: 'updated_at', key: 'seq', lag: LAG } },
    );
    const first = await runCollect(env.client, env.config, spec);
    expect(first.publish.rows).toBe(10);
    expect(first.keys).toMatchObject({ keys: 9 }); // the NULL key is not copied: it can match nothing
    await withSourceDb((c) => c.query('DELETE FROM public.ks_posts WHERE (person_id, post_id) IN ((1, 2), (2, 1)) OR person_id IS NULL'));
    const second = await runCollect(env.client, env.config, spec);
    expect(second.publish).toMatchObject({ deleted: 2, rows: 8 });
    const left = await env.db.raw("SELECT coalesce(person_id::text, 'NULL') || '/' || post_id AS k FROM raw.ks_posts ORDER BY person_id NULLS FIRST, post_id");
    expect(left.rows.map((r: { k: string }) => r.k)).toEqual(['NULL/7', '1/1', '1/3', '2/2', '2/3', '3/1', '3/2', '3/3']);
  });

  it('refuses a comparison that would empty the table, says what to change, and publishes nothing', async () => {
    await sourceTable('public.ks_guard', 200);
    const spec = sync('public.ks_guard', 'ks-guard', { deletes: { compareKeys: {} } });
    const first = await runCollect(env.client, env.config, spec);
    await withSourceDb(async (c) => {
      await c.query('DELETE FROM public.ks_guard');
      await c.query("INSERT INTO public.ks_guard VALUES (1, 'changed', false, now())");
    });
    await pastLag();
    const { handle, runId } = await startCollect(env.client, env.config, spec);
    await expectWorkflowFailure(
      handle,
      /the key comparison would delete 199 of the 200 rows of raw\.ks_guard \(99\.5%\), more than target\.deletes\.compareKeys\.maxDeleteFraction allows \(50%\); the source on connection "dept_source" returned 1 keys\..*raise maxDeleteFraction/,
    );
    expect(await publishedIds('raw.ks_guard')).toHaveLength(200);
    expect((await env.db('raw.ks_guard').where({ id: 1 }).first()).name).toBe('p1'); // the merge was refused with it
    expect(await catalogued('ks-guard')).toEqual({ rows: 200, version: first.publish.version });
    expect(await leftovers(runId)).toEqual([]);
    expect((await env.db('dataops.runs').where({ run_id: runId }).first()).status).toBe('failed');

    // Told that the rows really are gone, it deletes them.
    const allowed = { ...spec, target: { ...spec.target, deletes: { compareKeys: { every: '0s', maxDeleteFraction: 1 } } } };
    const third = await runCollect(env.client, env.config, allowed);
    expect(third.publish).toMatchObject({ changed: 1, deleted: 199, rows: 1 });
    expect(await catalogued('ks-guard')).toMatchObject({ rows: 1 });
  });

  it('a key copy retried after its connection was ended starts over: every key once, every delete counted once', async () => {
    const ROWS = 1_500_000;
    await sourceTable('public.ks_big', ROWS);
    const load = sync('public.ks_big', 'ks-big', {});
    await runCollect(env.client, env.config, { ...load, options: { batchRows: 500_000, heartbeatSeconds: 5 } });
    await withSourceDb((c) => c.query('DELETE FROM public.ks_big WHERE id % 1000 = 0'));

    const spec = sync('public.ks_big', 'ks-big', { deletes: { compareKeys: {} } });
    const { handle, runId } = await startCollect(env.client, env.config, { ...spec, options: { batchRows: 50_000, heartbeatSeconds: 5 } });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'source_keys' }).first();
      if (row && row.status !== 'staging') throw new Error('the key copy finished before its connection could be ended');
      if (row && row.state.rows >= 100_000) break;
      if (Date.now() > deadline) throw new Error('no batch of keys committed in time');
      await new Promise((r) => setTimeout(r, 5));
    }
    const ended = await env.db.raw(
      "SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dataops-source_keys') t",
    );
    expect(ended.rows[0].n).toBeGreaterThan(0);
    const result = (await handle.result()) as CollectResult;
    expect(result.keys!.attempt).toBeGreaterThanOrEqual(2);
    expect(result.keys!.keys).toBe(ROWS - ROWS / 1000);
    expect(result.publish).toMatchObject({ deleted: ROWS / 1000, rows: ROWS - ROWS / 1000 });
    expect((await env.db.raw('SELECT count(*)::int AS n FROM raw.ks_big')).rows[0].n).toBe(ROWS - ROWS / 1000);
    expect(await catalogued('ks-big')).toMatchObject({ rows: ROWS - ROWS / 1000 });
    expect(await leftovers(runId)).toEqual([]);
  });
});
