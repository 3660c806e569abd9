import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import pg from 'pg';
import { openDepartmentMariadb, useTestConfig } from '../support/department-dbs.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { TEST_MARIADB_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type DistributeJobSpec } from '../../schemas/job-spec.ts';
import type { DistributeResult } from '../../schemas/distribute-run.ts';
import { closeAllDbs } from '../../db/knex.ts';

// A full distribution split into key ranges (source.parallelism): each range copied by its own
// activity into one shadow, resumable per range, reconciled and swapped in once.
useTestConfig(
  'distribute-par',
  `connections:
  par_mariadb: { type: mysql, urlEnv: TEST_PAR_MARIADB_URL, maxUnmaskedLevel: L4 }
  par_pg: { type: postgres, urlEnv: TEST_PAR_PG_URL, maxUnmaskedLevel: L4 }
`,
  { TEST_PAR_MARIADB_URL: TEST_MARIADB_URL, TEST_PAR_PG_URL: TEST_SOURCE_DATABASE_URL },
);
let env: TestEnv;
let maria: Connection;
let dept: pg.Client;
let counter = 0;

beforeAll(async () => {
  maria = await openDepartmentMariadb();
  dept = new pg.Client({ connectionString: TEST_SOURCE_DATABASE_URL });
  await dept.connect();
  env = await startTestEnv('test-distribute-parallel');
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS clean');
  await env.db.raw('DROP TABLE IF EXISTS clean.par_people');
  await env.db.raw('CREATE TABLE clean.par_people (id bigint PRIMARY KEY, name text, amount numeric(12,2), seen_at timestamptz)');
  await env.db.raw(`INSERT INTO clean.par_people SELECT g * 3, '居民' || g, g / 100.0, TIMESTAMPTZ '2026-12-01 08:00:00.5+08' + g * INTERVAL '1 ms'
    FROM generate_series(1, 30000) g`);
});
afterAll(async () => {
  await env.stop();
  await maria.end();
  await dept.end();
  await closeAllDbs();
});

function spec(target: object, source: object = {}, options: object = { batchRows: 1_000 }): DistributeJobSpec {
  counter += 1;
  return jobSpecSchema.parse({
    kind: 'distribute',
    job: `par-${counter}`,
    dataset: `par-people-${counter}`,
    department: 'civil-affairs',
    source: { table: 'clean.par_people', parallelism: 3, ...source },
    target: { schemaChange: 'rebuild', ...target },
    masks: Object.fromEntries(['id', 'name', 'amount', 'seen_at'].map((c) => [c, { mask: 'none' }])),
    options,
  }) as DistributeJobSpec;
}

async function run(s: DistributeJobSpec, taskQueue?: string) {
  const config = taskQueue ? { ...env.config, temporal: { ...env.config.temporal, taskQueue } } : env.config;
  return startJob(env.client, config, s, `distribute:${s.dataset}:${Date.now()}-${counter}`);
}

async function centreText(): Promise<string> {
  const { rows } = await env.db.raw("SELECT md5(string_agg(concat_ws('|', id, name, amount), ',' ORDER BY id)) AS d FROM clean.par_people");
  return rows[0].d;
}

describe('a distribution split into key ranges', () => {
  it('copies each range by its own activity into one shadow and swaps in exactly the table, to PostgreSQL', async () => {
    const { handle, runId } = await run(spec({ connection: 'par_pg', table: 'public.par_people' }));
    const result = (await handle.result()) as DistributeResult;
    expect(result.publish).toMatchObject({ rows: 30_000, reconciled: true });
    const ranges = await env.db('dataops.checkpoints').where({ run_id: runId }).where('step', 'like', 'distribute#%').orderBy('step').select('step', 'state');
    expect(ranges.map((r) => r.step)).toEqual(['distribute#0', 'distribute#1', 'distribute#2', 'distribute#ranges']);
    // Each range read its own share of the keys, and together all of them once.
    const shares = ranges.filter((r) => r.step !== 'distribute#ranges').map((r) => r.state.rows as number);
    expect(shares.every((n) => n > 5_000)).toBe(true);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(30_000);
    const { rows } = await dept.query("SELECT md5(string_agg(concat_ws('|', id, name, amount), ',' ORDER BY id)) AS d FROM public.par_people");
    expect(rows[0].d).toBe(await centreText());
    const { rows: shadows } = await dept.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'par\\_people\\_\\_dataops%'");
    expect(shadows[0].n).toBe(0);
  });

  it('to MariaDB alike', async () => {
    const result = (await (await run(spec({ connection: 'par_mariadb', table: 'par_people' }, { parallelism: 2 }))).handle.result()) as DistributeResult;
    expect(result.publish.rows).toBe(30_000);
    await maria.query('SET SESSION group_concat_max_len = 100000000');
    const [row] = (await maria.query(
      "SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, name, amount) ORDER BY id SEPARATOR ',')) AS d FROM par_people",
    )) as unknown as [RowDataPacket[]];
    expect(row[0]!.d).toBe(await centreText());
  });

  it('reconciles values hashed by their text (timestamptz arrays) with a department server in another time zone', async () => {
    await env.db.raw('DROP TABLE IF EXISTS clean.par_times; CREATE TABLE clean.par_times (id int PRIMARY KEY, seen timestamptz[], span tstzrange)');
    await env.db.raw(`INSERT INTO clean.par_times SELECT g, ARRAY[TIMESTAMPTZ '2026-12-01 08:00+08' + g * INTERVAL '1 hour'],
      tstzrange(TIMESTAMPTZ '2026-12-01 00:00+00', TIMESTAMPTZ '2026-12-02 00:00+00' + g * INTERVAL '1 minute') FROM generate_series(1, 500) g`);
    const database = new URL(TEST_SOURCE_DATABASE_URL).pathname.slice(1);
    await dept.query(`ALTER DATABASE "${database}" SET TimeZone = 'Asia/Shanghai'`);
    try {
      const s = spec({ connection: 'par_pg', table: 'public.par_times' }, { table: 'clean.par_times', parallelism: 2 });
      const result = (await (
        await run({ ...s, masks: { id: { mask: 'none' }, seen: { mask: 'none' }, span: { mask: 'none' } } })
      ).handle.result()) as DistributeResult;
      expect(result.publish).toMatchObject({ rows: 500, reconciled: true });
    } finally {
      await dept.query(`ALTER DATABASE "${database}" RESET TimeZone`);
    }
  });

  it('refuses to split by a key that is not an integer, before any row moves', async () => {
    await env.db.raw('DROP TABLE IF EXISTS clean.par_text; CREATE TABLE clean.par_text (code text PRIMARY KEY, v int)');
    await env.db.raw("INSERT INTO clean.par_text SELECT 'c' || g, g FROM generate_series(1, 100) g");
    const s = spec({ connection: 'par_pg', table: 'public.par_text' }, { table: 'clean.par_text' });
    const { handle } = await run({ ...s, masks: { code: { mask: 'none' }, v: { mask: 'none' } } });
    await expectWorkflowFailure(handle, /parallelism splits a distribution by an integer key.*; code is not one/);
    const { rows } = await dept.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'par\\_text%'");
    expect(rows[0].n).toBe(0);
  });

  it('resumes each range from its own checkpoint after its worker is killed, leaving the target old until the swap', async () => {
    await env.db.raw('DROP TABLE IF EXISTS clean.par_big');
    await env.db.raw('CREATE TABLE clean.par_big (id integer PRIMARY KEY, payload text)');
    await env.db.raw(`INSERT INTO clean.par_big SELECT g, repeat('x', 60) || g FROM generate_series(1, 300000) g`);
    await maria.query('DROP TABLE IF EXISTS par_big');
    await maria.query('CREATE TABLE par_big (id INT PRIMARY KEY, payload LONGTEXT)');
    await maria.query("INSERT INTO par_big VALUES (1, 'old')");
    const s = {
      ...spec({ connection: 'par_mariadb', table: 'par_big' }, { table: 'clean.par_big', parallelism: 2 }, { batchRows: 5_000, heartbeatSeconds: 5 }),
      masks: { id: { mask: 'none' as const }, payload: { mask: 'none' as const } },
    };
    const taskQueue = 'test-distribute-parallel-crash';
    const childEnv = {
      DATABASE_URL: env.config.databaseUrl,
      TEMPORAL_ADDRESS: env.config.temporal.address,
      DATAOPS_TASK_QUEUE: taskQueue,
    };
    const first = spawnWorker('par-worker-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const { handle, runId } = await run(s, taskQueue);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await env.db('dataops.checkpoints').where({ run_id: runId }).whereIn('step', ['distribute#0', 'distribute#1']).select('status', 'state');
      if (rows.some((r) => r.status !== 'staging')) throw new Error('a range finished before the worker could be killed');
      if (rows.length === 2 && rows.every((r) => r.state.rows >= 20_000)) break;
      if (Date.now() > deadline) throw new Error(`no batches committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    const [old] = (await maria.query('SELECT id, payload FROM par_big ORDER BY id')) as unknown as [RowDataPacket[]];
    expect(old).toEqual([{ id: 1, payload: 'old' }]);
    const second = spawnWorker('par-worker-b', childEnv);
    try {
      const result = (await handle.result()) as DistributeResult;
      expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
      expect(result.stage.resumedFromRow).toBeGreaterThanOrEqual(40_000);
      expect(result.publish.rows).toBe(300_000);
      const [check] = (await maria.query(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MIN(id) AS lo, MAX(id) AS hi, SUM(payload = CONCAT(REPEAT('x', 60), id)) AS exact FROM par_big",
      )) as unknown as [RowDataPacket[]];
      expect(check[0]).toEqual({ n: '300000', ids: '300000', lo: 1, hi: 300000, exact: '300000' });
    } finally {
      second.kill('SIGTERM');
    }
  });
});
