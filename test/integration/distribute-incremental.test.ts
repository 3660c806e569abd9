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
import { runCli } from '../support/cli.ts';

// Incremental distribution: the rows changed in the centre since the last run upserted into a
// department's table in one transaction, deletes propagated, reconciled before the commit, and the
// watermark moved only after the department's database committed.
useTestConfig(
  'distribute-inc',
  `connections:
  inc_mariadb: { type: mysql, urlEnv: TEST_INC_MARIADB_URL, maxUnmaskedLevel: L4 }
  inc_pg: { type: postgres, urlEnv: TEST_INC_PG_URL, maxUnmaskedLevel: L4 }
`,
  { TEST_INC_MARIADB_URL: TEST_MARIADB_URL, TEST_INC_PG_URL: TEST_SOURCE_DATABASE_URL },
);
let env: TestEnv;
let maria: Connection;
let dept: pg.Client;
let counter = 0;

const COLUMNS = ['id', 'name', 'street', 'amount', 'removed', 'updated_at'];

beforeAll(async () => {
  maria = await openDepartmentMariadb();
  dept = new pg.Client({ connectionString: TEST_SOURCE_DATABASE_URL });
  await dept.connect();
  env = await startTestEnv('test-distribute-incremental');
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS clean');
});
afterAll(async () => {
  await env.stop();
  await maria.end();
  await dept.end();
  await closeAllDbs();
});

/** A centre table whose rows were all last changed a day ago, one second apart. */
async function centreTable(table: string, rows: number): Promise<void> {
  await env.db.raw(`DROP TABLE IF EXISTS clean.${table}`);
  await env.db.raw(`CREATE TABLE clean.${table} (id bigint PRIMARY KEY, name text, street text, amount numeric(12,2), removed boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL)`);
  await env.db.raw(`INSERT INTO clean.${table} SELECT g, '居民' || g, (ARRAY['莘庄镇','七宝镇'])[1 + g % 2], g / 100.0, false,
    now() - INTERVAL '1 day' + g * INTERVAL '1 second' FROM generate_series(1, ${rows}) g`);
}

function spec(table: string, target: object, extra: object = {}): DistributeJobSpec {
  counter += 1;
  return jobSpecSchema.parse({
    kind: 'distribute',
    job: `inc-${table}`,
    dataset: `inc-${table}`,
    department: 'civil-affairs',
    source: { table: `clean.${table}`, incremental: { cursor: 'updated_at', lag: '0s' } },
    target: { mode: 'incremental', ...target },
    masks: Object.fromEntries(COLUMNS.map((c) => [c, { mask: 'none' }])),
    options: { batchRows: 500 },
    ...extra,
  }) as DistributeJobSpec;
}

async function run(s: DistributeJobSpec): Promise<DistributeResult> {
  const { handle } = await startJob(env.client, env.config, s, `distribute:${s.dataset}:${Date.now()}-${counter}`);
  return (await handle.result()) as DistributeResult;
}

async function mariaRows(sql: string): Promise<RowDataPacket[]> {
  const [rows] = await maria.query<RowDataPacket[]>(sql);
  return rows;
}

/** The live rows of a centre table as text, in key order, to compare with the department's copy. */
async function centreText(table: string): Promise<string> {
  const { rows } = await env.db.raw(`SELECT string_agg(concat_ws('|', id, name, street, amount), ',' ORDER BY id) AS d FROM clean.${table} WHERE NOT removed`);
  return rows[0].d;
}

describe('incremental distribution to MariaDB', () => {
  it('sends everything once, then only what changed, with deletes, exactly once, and moves the watermark after the commit', async () => {
    await centreTable('inc_people', 2000);
    const s = spec('inc_people', { connection: 'inc_mariadb', table: 'inc_people', deletes: { compareKeys: { every: '0s' } } });
    const first = await run(s);
    expect(first.stage.rows).toBe(2000);
    expect(first.publish.rows).toBe(2000);
    expect(first.publish.incremental).toMatchObject({ sent: 2000, fresh: true, pending: 0 });
    const text = async () => {
      await maria.query('SET SESSION group_concat_max_len = 100000000');
      const [row] = await mariaRows(
        "SELECT GROUP_CONCAT(CONCAT_WS('|', id, name, street, amount) ORDER BY id SEPARATOR ',') AS d FROM inc_people WHERE NOT removed",
      );
      return row!.d as string;
    };
    expect(await text()).toBe(await centreText('inc_people'));

    // Three rows change, two arrive, one is deleted: the next run sends five and deletes one.
    await env.db.raw(`UPDATE clean.inc_people SET street = '颛桥镇', updated_at = now() - INTERVAL '1 minute' WHERE id IN (5, 6, 7);
      INSERT INTO clean.inc_people VALUES (2001, '新居民', '梅陇镇', 1.5, false, now() - INTERVAL '1 minute'), (2002, '新居民二', NULL, NULL, false, now() - INTERVAL '1 minute');
      DELETE FROM clean.inc_people WHERE id = 100`);
    const second = await run(s);
    expect(second.stage.rows).toBe(5);
    expect(second.publish.incremental).toMatchObject({ sent: 5, upserted: 5, deleted: 1, fresh: false, pending: 0, kept: 0 });
    expect(second.publish.rows).toBe(2001);
    expect(await text()).toBe(await centreText('inc_people'));
    const { rows: marks } = await env.db.raw("SELECT last_key FROM dataops.watermarks WHERE dataset = 'distribute:inc-inc_people'");
    expect(marks[0].last_key).toBe('2002');

    // Nothing changed: nothing is sent again.
    const third = await run(s);
    expect(third.stage.rows).toBe(0);
    expect(third.publish.incremental).toMatchObject({ sent: 0, upserted: 0, deleted: 0 });
    expect(await text()).toBe(await centreText('inc_people'));

    // A department edits its copy behind the centre's back: the next run is refused before its commit,
    // names the key, leaves the department's table as it was and the watermark where it was.
    await maria.query("UPDATE inc_people SET street = '篡改' WHERE id = 42");
    await env.db.raw("UPDATE clean.inc_people SET name = '改名', updated_at = now() - INTERVAL '30 seconds' WHERE id = 8");
    const tampered = await startJob(env.client, env.config, s, `distribute:${s.dataset}:${Date.now()}-tampered`);
    await expectWorkflowFailure(tampered.handle, /inc_people would not match clean\.inc_people: .*keys 42 \(differs\)/);
    expect((await mariaRows('SELECT name FROM inc_people WHERE id = 8'))[0]!.name).toBe('居民8');
    const { rows: still } = await env.db.raw("SELECT last_key FROM dataops.watermarks WHERE dataset = 'distribute:inc-inc_people'");
    expect(still[0].last_key).toBe('2002');
    expect(
      await mariaRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'inc\\_people\\_\\_%'"),
    ).toEqual([]);
  });

  it('keeps rows the centre deleted when deletes are not asked for, and says so', async () => {
    await centreTable('inc_kept', 300);
    const s = spec('inc_kept', { connection: 'inc_mariadb', table: 'inc_kept' });
    await run(s);
    await env.db.raw('DELETE FROM clean.inc_kept WHERE id IN (1, 2)');
    const next = await run(s);
    expect(next.publish.incremental).toMatchObject({ sent: 0, deleted: 0, kept: 2 });
    expect(Number((await mariaRows('SELECT COUNT(*) AS n FROM inc_kept'))[0]!.n)).toBe(300);
  });
});

describe('an incremental distribution whose worker is killed mid-copy', () => {
  it('leaves the department table as it was, resumes after its last committed (cursor, key), and applies every change once', async () => {
    await centreTable('inc_crash', 1000);
    const s = { ...spec('inc_crash', { connection: 'inc_mariadb', table: 'inc_crash' }), options: { batchRows: 5_000, heartbeatSeconds: 5 } };
    await run(s);
    // A big change: every row rewritten (and 200,000 new ones), staged in the centre in 5,000-row batches.
    await env.db.raw(`UPDATE clean.inc_crash SET street = '浦江镇', updated_at = now() - INTERVAL '2 minutes'`);
    await env.db.raw(`INSERT INTO clean.inc_crash SELECT g, '新' || g, '浦江镇', 1, false, now() - INTERVAL '1 minute' - g * INTERVAL '1 microsecond'
      FROM generate_series(1001, 201000) g`);
    const taskQueue = 'test-distribute-incremental-crash';
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: taskQueue };
    const first = spawnWorker('inc-worker-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const config = { ...env.config, temporal: { ...env.config.temporal, taskQueue } };
    const { handle, runId } = await startJob(env.client, config, s, `distribute:${s.dataset}:${Date.now()}-crash`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'distribute' }).first();
      if (row && row.status !== 'staging') throw new Error('the copy finished before the worker could be killed');
      if (row && row.state.rows >= 30_000) break;
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    expect(await mariaRows("SELECT COUNT(*) AS n, SUM(street = '浦江镇') AS moved FROM inc_crash")).toEqual([{ n: '1000', moved: '0' }]);
    const second = spawnWorker('inc-worker-b', childEnv);
    try {
      const result = (await handle.result()) as DistributeResult;
      expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
      expect(result.stage.resumedFromRow).toBeGreaterThanOrEqual(30_000);
      expect(result.stage.rows).toBe(201_000);
      expect(result.publish.incremental).toMatchObject({ sent: 201_000, upserted: 201_000, fresh: false });
      expect(await mariaRows("SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, SUM(street = '浦江镇') AS moved FROM inc_crash")).toEqual([
        { n: '201000', ids: '201000', moved: '201000' },
      ]);
    } finally {
      second.kill('SIGTERM');
    }
  });
});

describe('incremental distribution to PostgreSQL', () => {
  it('deletes the rows the centre flags deleted, and adds a new column by sending every row again', async () => {
    await centreTable('inc_flags', 1200);
    const s = spec('inc_flags', { connection: 'inc_pg', table: 'public.inc_flags', deletes: { column: 'removed' } });
    await run(s);
    await env.db.raw("UPDATE clean.inc_flags SET removed = true, updated_at = now() - INTERVAL '1 minute' WHERE id IN (10, 11)");
    const flagged = await run(s);
    expect(flagged.publish.incremental).toMatchObject({ sent: 2, deleted: 2, pending: 0 });
    const { rows } = await dept.query("SELECT string_agg(concat_ws('|', id, name, street, amount), ',' ORDER BY id) AS d FROM public.inc_flags");
    expect(rows[0].d).toBe(await centreText('inc_flags'));

    // A new column in the centre: refused under fail, and sent whole under add_columns.
    await env.db.raw("ALTER TABLE clean.inc_flags ADD COLUMN grade text DEFAULT 'A'");
    const wider = { ...s, masks: { ...s.masks, grade: { mask: 'none' as const } } };
    const refused = await startJob(env.client, env.config, wider, `distribute:${s.dataset}:${Date.now()}-wider`);
    await expectWorkflowFailure(
      refused.handle,
      /public\.inc_flags has the columns \(id, name, street, amount, removed, updated_at\), this distribution sends \(.*grade\)/,
    );
    const added = await run({ ...wider, target: { ...wider.target, schemaChange: 'add_columns' } });
    expect(added.publish.incremental).toMatchObject({ fresh: true, sent: 1200 });
    expect(added.publish.rows).toBe(1198);
    const { rows: graded } = await dept.query("SELECT count(*)::int AS n FROM public.inc_flags WHERE grade = 'A'");
    expect(graded[0].n).toBe(1198);

    // PostgreSQL to PostgreSQL compares rows by their own text under a 64-bit hash: an edit, and a
    // timestamp moved by a microsecond, are both named; the department session's time zone is not.
    const clean = runCli(['reconcile', s.dataset, 'inc_pg'], {});
    expect(clean.stdout).toContain('matches: 1198 rows in the centre, 1198 in the target');
    await dept.query(
      "SET TIME ZONE 'America/New_York'; UPDATE public.inc_flags SET street = '篡改' WHERE id = 3; UPDATE public.inc_flags SET updated_at = updated_at + INTERVAL '1 microsecond' WHERE id = 900",
    );
    const check = runCli(['reconcile', s.dataset, 'inc_pg'], {});
    expect(check.status).toBe(1);
    expect(check.stdout).toContain('keys 3 (differs), 900 (differs)');
  });

  it('refuses a spec without a cursor and a cursor the table does not have', () => {
    const parsed = jobSpecSchema.safeParse({
      kind: 'distribute',
      job: 'x',
      dataset: 'x',
      department: 'd',
      source: { table: 'clean.inc_people' },
      target: { connection: 'inc_pg', table: 't', mode: 'incremental' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]!.path).toEqual(['source', 'incremental']);
  });

  it('refuses an unknown target connection before any row moves', async () => {
    await centreTable('inc_noconn', 10);
    const s = spec('inc_noconn', { connection: 'no-such-dept', table: 'public.inc_noconn' });
    const { handle } = await startJob(env.client, env.config, s, `distribute:${s.dataset}:${Date.now()}-noconn`);
    await expectWorkflowFailure(handle, /unknown connection "no-such-dept"/);
    const { rows } = await env.db.raw(
      "SELECT count(*)::int AS n FROM dataops.checkpoints c JOIN dataops.runs r USING (run_id) WHERE r.dataset = 'inc-inc_noconn'",
    );
    expect(rows[0].n).toBe(0);
  });

  it('refuses a cursor column the centre table lacks before any row moves', async () => {
    await centreTable('inc_nocursor', 10);
    const s = spec('inc_nocursor', { connection: 'inc_pg', table: 'public.inc_nocursor' }, {});
    const bad = { ...s, source: { ...s.source, incremental: { cursor: 'changed_at', lag: '0s' } } } as DistributeJobSpec;
    const { handle } = await startJob(env.client, env.config, bad, `distribute:${s.dataset}:${Date.now()}-nocursor`);
    await expectWorkflowFailure(handle, /cursor column "changed_at" is not a column of clean\.inc_nocursor/);
    const { rows } = await dept.query("SELECT to_regclass('public.inc_nocursor') AS t");
    expect(rows[0].t).toBeNull();
  });
});
