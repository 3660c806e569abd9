import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { tableDigest, withSourceDb } from '../support/source-db.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { jobSpecSchema } from '../../schemas/job-spec.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';

const ROWS = 40_000;
const CRASH_ROWS = 400_000;
let env: TestEnv;
const workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  env = await startTestEnv('test-collect-parallel');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.par_people, public.par_big');
    // Gaps in the ids (every 3rd missing above 30,000) make the integer spans uneven in rows.
    await client.query(`CREATE TABLE public.par_people (
      id integer PRIMARY KEY, code text UNIQUE NOT NULL, name text, note text, income numeric(12,2), born date, seen_at timestamptz, active boolean)`);
    await client.query(`INSERT INTO public.par_people
      SELECT g, md5(g::text), '居民' || g, CASE WHEN g % 7 = 0 THEN E'tab\\there\\nnew line' WHEN g % 11 = 0 THEN NULL ELSE 'note ' || g END,
             (g * 13.37)::numeric(12,2), DATE '1950-01-01' + (g % 20000), TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * INTERVAL '1 minute', g % 2 = 0
        FROM generate_series(1, ${ROWS + 10_000}) g WHERE g <= 30000 OR g % 3 <> 0 LIMIT ${ROWS}`);
    await client.query(`CREATE TABLE public.par_big (id bigint PRIMARY KEY, a text, b text, c numeric(12,2), d timestamptz)`);
    await client.query(`INSERT INTO public.par_big SELECT g, 'a' || g, repeat('b', 40), g / 7.0, TIMESTAMPTZ '2026-01-01' + g * INTERVAL '1 second'
      FROM generate_series(1, ${CRASH_ROWS}) g`);
    await client.query('ANALYZE public.par_people, public.par_big');
  });
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env.stop();
  await closeAllDbs();
});

/** Every string in a history, payloads decoded. */
function historyText(node: unknown): string {
  if (Array.isArray(node)) return node.map(historyText).join('\n');
  if (node instanceof Uint8Array) return Buffer.from(node).toString('utf8');
  if (node && typeof node === 'object') return Object.values(node).map(historyText).join('\n');
  return typeof node === 'string' ? node : '';
}

/** What the catalogue recorded about a dataset's current version, without ids. */
async function catalogued(dataset: string) {
  const resource = await env.db('dataops.catalogue_resources').where({ dataset }).first();
  const versions = await env.db('dataops.catalogue_versions').where({ resource_id: resource.id });
  const columns = await env.db('dataops.catalogue_columns').where({ resource_id: resource.id, version: resource.current_version }).orderBy('ordinal');
  return {
    versions: versions.length,
    rowCount: Number(resource.row_count),
    columns: columns.map(({ resource_id, version, top_patterns, ...rest }) => rest),
  };
}

async function indicators(runId: string) {
  const rows = await env.db('dataops.quality_indicators').where({ run_id: runId }).orderBy(['column_name', 'indicator']);
  return rows.map((r) => [r.column_name, r.indicator, String(r.a), String(r.b)]);
}

describe('a table collection split into key ranges (source.parallelism)', () => {
  it('publishes exactly the rows, catalogue and metrics of an unsplit run, as one version', async () => {
    const source = { type: 'table', connection: 'dept_source', table: 'public.par_people' } as const;
    const one = await runCollect(
      env.client,
      env.config,
      collectSpec({ dataset: 'it-par-one', source, target: { table: 'raw.it_par_one' }, options: { batchRows: 4_000 } }),
    );
    const three = await runCollect(
      env.client,
      env.config,
      collectSpec({ dataset: 'it-par-three', source: { ...source, parallelism: 3 }, target: { table: 'raw.it_par_three' }, options: { batchRows: 4_000 } }),
    );
    const sourceDigest = await tableDigest(TEST_SOURCE_DATABASE_URL, 'public.par_people', 'id');
    expect(await tableDigest(TEST_DATABASE_URL, 'raw.it_par_three', 'id')).toEqual(sourceDigest);
    expect(await tableDigest(TEST_DATABASE_URL, 'raw.it_par_one', 'id')).toEqual(sourceDigest);
    expect(three.stage.rows).toBe(ROWS);
    expect(three.publish.rows).toBe(ROWS);
    expect(three.publish.version).toBe(1);
    expect({ ...three.publish, table: '' }).toEqual({ ...one.publish, table: '' });

    // One plan, three ranges each with its own checkpoint, and one combined checkpoint that was published.
    const checkpoints = await env.db('dataops.checkpoints').where({ run_id: three.runId }).orderBy('step');
    expect(checkpoints.map((c) => [c.step, c.status])).toEqual([
      ['collect', 'published'],
      ['collect#0', 'staged'],
      ['collect#1', 'staged'],
      ['collect#2', 'staged'],
      ['collect#ranges', 'staged'],
    ]);
    const plan = checkpoints.find((c) => c.step === 'collect#ranges')!.state;
    expect(plan.method).toBe('integer');
    expect(plan.ranges).toHaveLength(3);
    const rangeRows = checkpoints.filter((c) => /^collect#\d$/.test(c.step)).map((c) => c.state.rows);
    expect(rangeRows.every((n: number) => n > 0)).toBe(true);
    expect(rangeRows.reduce((a: number, b: number) => a + b, 0)).toBe(ROWS);

    const [oneCat, threeCat] = [await catalogued('it-par-one'), await catalogued('it-par-three')];
    expect(threeCat.versions).toBe(1);
    expect(threeCat).toEqual(oneCat);
    expect(await indicators(three.runId)).toEqual(await indicators(one.runId));
    const metrics = (runId: string) => env.db('dataops.step_metrics').where({ run_id: runId }).select('step', 'records_in', 'records_out', 'bytes');
    expect(await metrics(three.runId)).toEqual(await metrics(one.runId));
    const runs = (runId: string) => env.db('dataops.runs').where({ run_id: runId }).first('records_in', 'records_out', 'accuracy');
    expect(await runs(three.runId)).toEqual(await runs(one.runId));
    // The ranges wrote into the one staging table, which publishing swapped in: nothing is left over.
    expect(checkpoints.every((c) => c.state.stagingTable === checkpoints[0]!.state.stagingTable)).toBe(true);
    expect((await env.db.raw('SELECT to_regclass(?) AS t', [checkpoints[0]!.state.stagingTable])).rows[0].t).toBeNull();
  });

  it('upserts into a merge target by key', async () => {
    await withSourceDb(async (c) => {
      await c.query('DROP TABLE IF EXISTS public.par_merge');
      await c.query('CREATE TABLE public.par_merge AS SELECT id, name, income FROM public.par_people');
      await c.query('ALTER TABLE public.par_merge ADD PRIMARY KEY (id)');
    });
    const spec = collectSpec({
      dataset: 'it-par-merge',
      source: { type: 'table', connection: 'dept_source', table: 'public.par_merge', parallelism: 3 },
      target: { table: 'raw.it_par_merge', mode: 'merge', key: ['id'] },
      options: { batchRows: 5_000 },
    });
    const first = await runCollect(env.client, env.config, spec);
    expect(first.publish.rows).toBe(ROWS);
    await withSourceDb(async (c) => {
      await c.query("UPDATE public.par_merge SET name = 'changed' WHERE id % 1000 = 0");
      await c.query("INSERT INTO public.par_merge VALUES (1000001, 'new', 1.00), (-5, 'below the first range', 2.00)");
    });
    const second = await runCollect(env.client, env.config, spec);
    const expected = await tableDigest(TEST_SOURCE_DATABASE_URL, 'public.par_merge', 'id');
    expect(await tableDigest(TEST_DATABASE_URL, 'raw.it_par_merge', 'id')).toEqual(expected);
    expect(second.publish.rows).toBe(ROWS + 2);
    expect(second.publish.changed).toBe(ROWS + 2);
    expect(second.publish.version).toBe(2);
  });

  it('splits a text key at quantiles', async () => {
    const result = await runCollect(
      env.client,
      env.config,
      collectSpec({
        dataset: 'it-par-text',
        source: { type: 'table', connection: 'dept_source', table: 'public.par_people', key: 'code', parallelism: 4 },
        target: { table: 'raw.it_par_text' },
        options: { batchRows: 3_000 },
      }),
    );
    expect(result.publish.rows).toBe(ROWS);
    expect(await tableDigest(TEST_DATABASE_URL, 'raw.it_par_text', 'id')).toEqual(await tableDigest(TEST_SOURCE_DATABASE_URL, 'public.par_people', 'id'));
    const plan = (await env.db('dataops.checkpoints').where({ run_id: result.runId, step: 'collect#ranges' }).first()).state;
    expect(plan.method).toBe('quantile');
    expect(plan.ranges).toHaveLength(4);
    // The bounds are key values (data): they stay in the checkpoints, out of the workflow's history.
    const history = historyText(await env.client.workflow.getHandle(result.workflowId).fetchHistory());
    expect(history).toContain('"dataset":"it-par-text"');
    for (const { lo } of plan.ranges.slice(1)) expect(history).not.toContain(lo);
    const sizes = (await env.db('dataops.checkpoints').where({ run_id: result.runId }).whereLike('step', 'collect#_')).map((c) => c.state.rows);
    // Quantiles give ranges of about equal size.
    for (const n of sizes) expect(Math.abs(n - ROWS / 4)).toBeLessThan(ROWS / 20);
  });

  it('refuses parallelism where it cannot apply, before any row moves', async () => {
    const bad = (source: unknown) => jobSpecSchema.safeParse({ kind: 'collect', job: 'j', dataset: 'd', department: 'x', source, target: { table: 'raw.x' } });
    const file = bad({ type: 'file', path: 'a.csv', parallelism: 2 });
    expect(file.error?.issues.map((i) => i.message).join()).toMatch(/a file is read in one pass/);
    const keyless = bad({ type: 'query', connection: 'dept_source', sql: 'SELECT 1 AS a', parallelism: 2 });
    expect(keyless.error?.issues.map((i) => i.message).join()).toMatch(/set key .* to use parallelism/);
    const incremental = bad({ type: 'table', connection: 'dept_source', table: 'public.t', parallelism: 2, incremental: { cursor: 'updated_at' } });
    expect(incremental.error?.issues.map((i) => i.message).join()).toMatch(/incremental sync .* cannot be split/);
    expect(bad({ type: 'table', connection: 'dept_source', table: 'public.t', parallelism: 17 }).success).toBe(false);

    await withSourceDb(async (c) => {
      await c.query('DROP TABLE IF EXISTS public.par_keyless');
      await c.query('CREATE TABLE public.par_keyless (a int, b text)');
      await c.query("INSERT INTO public.par_keyless VALUES (1, 'x')");
    });
    const { handle, runId } = await startCollect(
      env.client,
      env.config,
      collectSpec({
        dataset: 'it-par-keyless',
        source: { type: 'table', connection: 'dept_source', table: 'public.par_keyless', parallelism: 2 },
        target: { table: 'raw.it_par_keyless' },
      }),
    );
    await expect(handle.result()).rejects.toThrow();
    const run = await env.db('dataops.runs').where({ run_id: runId }).first();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/has no key to split by: set source.key/);
    expect((await env.db.raw("SELECT to_regclass('raw.it_par_keyless') AS t")).rows[0].t).toBeNull();

    await withSourceDb(async (c) => {
      await c.query('DROP TABLE IF EXISTS public.par_nullkey');
      await c.query('CREATE TABLE public.par_nullkey (k int UNIQUE, v text)');
      await c.query("INSERT INTO public.par_nullkey VALUES (1, 'a'), (NULL, 'b'), (3, 'c')");
    });
    const nullKey = await startCollect(
      env.client,
      env.config,
      collectSpec({
        dataset: 'it-par-nullkey',
        source: { type: 'table', connection: 'dept_source', table: 'public.par_nullkey', key: 'k', parallelism: 2 },
        target: { table: 'raw.it_par_nullkey' },
      }),
    );
    await expect(nullKey.handle.result()).rejects.toThrow();
    expect((await env.db('dataops.runs').where({ run_id: nullKey.runId }).first()).error).toMatch(/key column "k" has NULL values/);
    expect((await env.db.raw("SELECT to_regclass('raw.it_par_nullkey') AS t")).rows[0].t).toBeNull();
  });

  it('one range failing stops the others and leaves nothing staged or published', async () => {
    // The repeated key is the first of the lowest range, which fails at once; the run waits for the other two to end.
    const sql = "SELECT id, a FROM public.par_big UNION ALL SELECT 1, 'again'";
    const { handle, runId } = await startCollect(
      env.client,
      env.config,
      collectSpec({
        dataset: 'it-par-repeat',
        source: { type: 'query', connection: 'dept_source', sql, key: 'id', parallelism: 3 },
        target: { table: 'raw.it_par_repeat' },
        options: { batchRows: 100, heartbeatSeconds: 2 },
      }),
    );
    await expect(handle.result()).rejects.toThrow();
    const run = await env.db('dataops.runs').where({ run_id: runId }).first();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/key column "id" repeats the value "1"/);
    const checkpoints = await env.db('dataops.checkpoints').where({ run_id: runId });
    expect(checkpoints.length).toBeGreaterThan(1);
    expect(checkpoints.every((c) => c.status === 'abandoned')).toBe(true);
    expect((await env.db.raw('SELECT to_regclass(?) AS t', [checkpoints[0]!.state.stagingTable])).rows[0].t).toBeNull();
    expect((await env.db.raw("SELECT to_regclass('raw.it_par_repeat') AS t")).rows[0].t).toBeNull();
    // Every range activity had ended (failed, finished or cancelled) before the run dropped the staging.
    const history = (await handle.fetchHistory()).events ?? [];
    const ranges = new Set(
      history.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'stageCollectRange').map((e) => String(e.eventId)),
    );
    const abandonAt = history.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'abandonStaging');
    const endedBefore = history.slice(0, abandonAt).filter((e) => {
      const end = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskCanceledEventAttributes;
      return end && ranges.has(String(end.scheduledEventId));
    });
    expect(ranges.size).toBe(3);
    expect(endedBefore).toHaveLength(3);
  });

  it('a worker killed mid-range resumes that range from its checkpoint: no duplicates, no gaps', async () => {
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: 'test-collect-parallel-crash' };
    const first = spawnWorker('worker-a', childEnv);
    workers.push(first);
    await waitForOutput(first, /worker ready/);
    const spec = collectSpec({
      dataset: 'it-par-crash',
      source: { type: 'table', connection: 'dept_source', table: 'public.par_big', parallelism: 3 },
      target: { table: 'raw.it_par_crash' },
      options: { batchRows: 10_000, heartbeatSeconds: 3 },
    });
    const config = { ...env.config, temporal: { ...env.config.temporal, taskQueue: 'test-collect-parallel-crash' } };
    const { handle, runId } = await startCollect(env.client, config, spec);

    const deadline = Date.now() + 60_000;
    let killedAt: Record<string, number> = {};
    for (;;) {
      const rows = await env.db('dataops.checkpoints').where({ run_id: runId }).whereLike('step', 'collect#_');
      if (rows.length && rows.every((r) => r.status !== 'staging'))
        throw new Error('every range finished before the worker could be killed; make the table bigger');
      if (rows.some((r) => r.status === 'staging' && r.state.rows >= 20_000)) {
        first.kill('SIGKILL');
        killedAt = Object.fromEntries(rows.map((r) => [r.step, r.status === 'staging' ? r.state.rows : -1]));
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

    expect(result.stage.rows).toBe(CRASH_ROWS);
    expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
    // Each range that was cut off resumed after the rows it had committed, not from its start.
    const ranges = await env.db('dataops.checkpoints').where({ run_id: runId }).whereLike('step', 'collect#_').orderBy('step');
    const resumed = ranges.filter((r) => (killedAt[r.step] ?? -1) > 0);
    expect(resumed.length).toBeGreaterThan(0);
    for (const r of resumed) expect(r.state.stagedAttempt).toBeGreaterThanOrEqual(2);
    expect(result.stage.resumedFromRow).toBeGreaterThanOrEqual(Math.max(...Object.values(killedAt)));

    const stats = (
      await env.db.raw(
        'SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, sum(id)::text AS total, min(id)::int AS lo, max(id)::int AS hi FROM raw.it_par_crash',
      )
    ).rows[0];
    expect(stats).toEqual({ n: CRASH_ROWS, ids: CRASH_ROWS, total: String((CRASH_ROWS * (CRASH_ROWS + 1)) / 2), lo: 1, hi: CRASH_ROWS });
    expect(await tableDigest(TEST_DATABASE_URL, 'raw.it_par_crash', 'id')).toEqual(await tableDigest(TEST_SOURCE_DATABASE_URL, 'public.par_big', 'id'));
    const metrics = await env.db('dataops.step_metrics').where({ run_id: runId });
    expect(metrics).toHaveLength(1);
    expect(Number(metrics[0].records_in)).toBe(CRASH_ROWS);
    const versions = await env.db('dataops.catalogue_versions').where({ run_id: runId });
    expect(versions).toHaveLength(1);
  });
});
