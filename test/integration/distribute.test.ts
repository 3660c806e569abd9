import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { openDepartmentMariadb, useTestConfig } from '../support/department-dbs.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { withSourceDb } from '../support/source-db.ts';
import { TEST_MARIADB_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type DistributeJobSpec } from '../../schemas/job-spec.ts';
import type { DistributeResult } from '../../schemas/distribute-run.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { runCli } from '../support/cli.ts';

// Table distribution: a governed centre table copied to a department's MariaDB and PostgreSQL,
// swapped in whole, exact, and resumable after a worker is killed mid-copy.
// Department connections as an operator configures them: the URL in the environment, the level each
// may receive unmasked in the config.
useTestConfig(
  'distribute',
  `connections:
  dept_mariadb: { type: mysql, urlEnv: TEST_DEPT_MARIADB_URL, maxUnmaskedLevel: L4 }
  dept_mariadb_public: { type: mysql, urlEnv: TEST_DEPT_MARIADB_URL }
  dept_pg: { type: postgres, urlEnv: TEST_DEPT_PG_URL, maxUnmaskedLevel: L4 }
`,
  { TEST_DEPT_MARIADB_URL: TEST_MARIADB_URL, TEST_DEPT_PG_URL: TEST_SOURCE_DATABASE_URL },
);
let env: TestEnv;
let maria: Connection;
let counter = 0;

beforeAll(async () => {
  maria = await openDepartmentMariadb();
  env = await startTestEnv('test-distribute');
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS clean');
  await env.db.raw('DROP TABLE IF EXISTS clean.dist_people');
  await env.db.raw(`CREATE TABLE clean.dist_people (id bigint PRIMARY KEY, 姓名 text, street varchar(20), amount numeric(12,2),
    signed_at timestamptz, active boolean, tags text[])`);
  await env.db.raw(`INSERT INTO clean.dist_people SELECT g, '居民' || g, (ARRAY['莘庄镇','七宝镇'])[1 + g % 2], g / 100.0,
    TIMESTAMPTZ '2026-12-01 10:00:00.123456+08' + g * INTERVAL '1 second', g % 3 = 0, ARRAY['t' || (g % 5)] FROM generate_series(1, 5000) g`);
});
afterAll(async () => {
  await env.stop();
  await maria.end();
  await closeAllDbs();
});

const PEOPLE = ['id', '姓名', 'street', 'amount', 'signed_at', 'active', 'tags'];
/** Every column sent as it is: the test tables are not catalogued, so each needs an explicit mask. */
const unmasked = (columns: string[]) => Object.fromEntries(columns.map((c) => [c, { mask: 'none' }]));

function distributeSpec(target: object, extra: object = {}, columns: string[] = PEOPLE): DistributeJobSpec {
  counter += 1;
  return jobSpecSchema.parse({
    kind: 'distribute',
    job: `dist-${counter}`,
    dataset: `dist-people-${counter}`,
    department: 'civil-affairs',
    source: { table: 'clean.dist_people' },
    target,
    masks: unmasked(columns),
    options: { batchRows: 1_000 },
    ...extra,
  }) as DistributeJobSpec;
}

async function run(spec: DistributeJobSpec, taskQueue?: string) {
  const config = taskQueue ? { ...env.config, temporal: { ...env.config.temporal, taskQueue } } : env.config;
  return startJob(env.client, config, spec, `distribute:${spec.dataset}:${Date.now()}-${counter}`);
}

async function mariaRows(sql: string): Promise<RowDataPacket[]> {
  const [rows] = await maria.query<RowDataPacket[]>(sql);
  return rows;
}

/** The centre table as canonical text, to compare with what arrived. */
async function centreDigest(): Promise<string> {
  const { rows } = await env.db.raw(`SELECT md5(string_agg(concat_ws('|', id, 姓名, street, amount), ',' ORDER BY id)) AS d FROM clean.dist_people`);
  return rows[0].d;
}

describe('distribution to MariaDB', () => {
  it('arrives exact, typed, with its primary key, in place of the old table, leaving no shadow behind', async () => {
    const spec = distributeSpec({ connection: 'dept_mariadb', table: 'people', schemaChange: 'rebuild' });
    const { handle, workflowId } = await run(spec);
    const result = (await handle.result()) as DistributeResult;
    expect(result.stage.rows).toBe(5000);
    expect(result.stage.batches).toBeGreaterThan(1);
    expect(result.publish).toEqual({
      table: 'people',
      connection: 'dept_mariadb',
      rows: 5000,
      columns: 7,
      reconciled: true,
      masked: {},
      reconciliation: { ranges: 1, columns: 7 },
    });
    const [row] = await mariaRows('SELECT id, 姓名, street, amount, signed_at, active, CAST(tags AS CHAR) AS tags FROM people WHERE id = 3');
    expect(row).toEqual({ id: '3', 姓名: '居民3', street: '七宝镇', amount: '0.03', signed_at: '2026-12-01 02:00:03.123456', active: 1, tags: '["t3"]' });
    await maria.query('SET SESSION group_concat_max_len = 100000000');
    const [digest] = await mariaRows("SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, 姓名, street, amount) ORDER BY id SEPARATOR ',')) AS d FROM people");
    expect(digest!.d).toBe(await centreDigest());
    const keys = await mariaRows(
      "SELECT COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people' AND CONSTRAINT_NAME = 'PRIMARY'",
    );
    expect(keys.map((k) => k.c)).toEqual(['id']);

    // A department edits its copy behind the centre's back: reconciliation names the keys.
    expect(result.publish.reconciliation).toEqual({ ranges: 1, columns: 7 });
    await maria.query("UPDATE people SET street = '篡改' WHERE id = 7");
    await maria.query('DELETE FROM people WHERE id = 4000');
    await maria.query("INSERT INTO people (id, 姓名) VALUES (900001, '多余')");
    const check = runCli(['reconcile', spec.dataset, 'dept_mariadb'], {});
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/DIFFERS: 5000 rows in the centre, 5000 in the target/);
    expect(check.stdout).toContain('keys 7 (differs), 4000 (missing in target), 900001 (not in source)');

    // The centre table changes: the next run replaces the department's copy whole.
    await env.db.raw("DELETE FROM clean.dist_people WHERE id > 4990; UPDATE clean.dist_people SET street = '颛桥镇' WHERE id <= 10");
    const second = (await (await run({ ...spec, job: 'dist-again' })).handle.result()) as DistributeResult;
    expect(second.publish.rows).toBe(4990);
    const [after] = await mariaRows("SELECT MD5(GROUP_CONCAT(CONCAT_WS('|', id, 姓名, street, amount) ORDER BY id SEPARATOR ',')) AS d FROM people");
    expect(after!.d).toBe(await centreDigest());
    const clean = runCli(['reconcile', spec.dataset, 'dept_mariadb'], {});
    expect(clean.stdout).toContain('matches: 4990 rows in the centre, 4990 in the target; 1 range digest(s) equal');
    expect(clean.status).toBe(0);
    expect(
      await mariaRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'people\\_\\_dataops%'"),
    ).toEqual([]);

    // Workflow inputs and history carry connection names, never URLs or passwords.
    const history = decodedPayloads(await env.client.workflow.getHandle(workflowId).fetchHistory());
    expect(history).toContain('"connection":"dept_mariadb"');
    expect(history).not.toMatch(/mysql:\/\/|postgres(ql)?:\/\/|127\.0\.0\.1/);
  });

  it('refuses, before any row moves, a target with other columns and a type MariaDB cannot hold', async () => {
    await maria.query('DROP TABLE IF EXISTS other_people');
    await maria.query('CREATE TABLE other_people (x INT)');
    await maria.query('INSERT INTO other_people VALUES (42)');
    const { handle } = await run(distributeSpec({ connection: 'dept_mariadb', table: 'other_people' }));
    await expectWorkflowFailure(
      handle,
      /other_people has the columns \(x\), this distribution sends \(id, 姓名, street, amount, signed_at, active, tags\); set target\.schemaChange: add_columns to add the new ones, or rebuild/,
    );
    expect(await mariaRows('SELECT x FROM other_people')).toEqual([{ x: 42 }]);

    await env.db.raw('DROP TABLE IF EXISTS clean.dist_loose; CREATE TABLE clean.dist_loose (id int PRIMARY KEY, ratio numeric)');
    const loose = await run(distributeSpec({ connection: 'dept_mariadb', table: 'loose' }, { source: { table: 'clean.dist_loose' } }, ['id', 'ratio']));
    await expectWorkflowFailure(loose.handle, /column ratio: numeric without a declared precision/);
    expect(await mariaRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'loose%'")).toEqual([]);
  });
});

describe('masking on the way out', () => {
  it('masks personal columns by their catalogued type, and refuses to send a citizen ID unmasked where the department may not see it', async () => {
    // A catalogued dataset: the bundled residents, collected into the raw layer.
    const { collectSpec } = await import('../support/run-job.ts');
    const collect = collectSpec({
      dataset: 'dist-residents',
      source: { type: 'file', connection: 'samples', path: 'residents.csv' },
      target: { table: 'raw.dist_residents' },
    });
    const collected = await startJob(env.client, env.config, collect, `collect:dist-residents:${Date.now()}`);
    await collected.handle.result();
    const columns = ['resident_id', 'name', 'citizen_id', 'mobile', 'street'];
    const base = { dataset: 'dist-residents', source: { columns, key: 'resident_id' }, masks: {} };
    const masked = (await (
      await run(distributeSpec({ connection: 'dept_mariadb_public', table: 'residents_public', schemaChange: 'rebuild' }, base, columns))
    ).handle.result()) as DistributeResult;
    expect(masked.publish.masked).toEqual({ name: 'name', citizen_id: 'citizen_id', mobile: 'mobile' });
    const [centre] = (await env.db.raw('SELECT name, citizen_id, mobile FROM raw.dist_residents WHERE resident_id = 1')).rows;
    const [sent] = await mariaRows('SELECT name, citizen_id, mobile, street FROM residents_public WHERE resident_id = 1');
    expect(sent!.name).toBe(`${[...centre.name][0]}${'*'.repeat([...centre.name].length - 1)}`);
    expect(sent!.citizen_id).toMatch(/^\d{6}\*{8}[\dX*]{4}$/);
    expect(sent!.citizen_id.slice(0, 6)).toBe(centre.citizen_id.slice(0, 6));
    expect(sent!.mobile).toMatch(/^1\d\d\*{4}\d{4}$|^\*+/);
    const [leakCount] = await mariaRows(
      "SELECT COUNT(*) AS leaks FROM residents_public WHERE citizen_id REGEXP '^[0-9]{17}[0-9X]$' OR mobile REGEXP '^1[3-9][0-9]{9}$'",
    );
    expect(Number(leakCount!.leaks)).toBe(0);
    // A distribution of the dataset neither publishes nor measures it: quality and freshness still see the collection.
    const quality = runCli(['quality', 'dist-residents', '--json'], {});
    expect(JSON.parse(quality.stdout).latest).toBe(collected.runId);

    const leaking = await run(
      distributeSpec({ connection: 'dept_mariadb_public', table: 'residents_leak' }, { ...base, masks: { citizen_id: { mask: 'none' } } }, columns),
    );
    await expectWorkflowFailure(leaking.handle, /may receive data up to L1 unmasked; this distribution would send citizen_id \(L4\) unmasked/);
    expect(await mariaRows("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'residents\\_leak%'")).toEqual(
      [],
    );
  });
});

describe('distribution to PostgreSQL', () => {
  it('copies the table exactly into the department schema', async () => {
    const spec = distributeSpec({ connection: 'dept_pg', table: 'civil.people', schemaChange: 'rebuild' });
    const result = (await (await run(spec)).handle.result()) as DistributeResult;
    expect(result.publish).toMatchObject({ table: 'civil.people', rows: await centreCount() });
    const digest = await withSourceDb(async (c) => {
      const { rows } = await c.query(`SELECT md5(string_agg(concat_ws('|', id, 姓名, street, amount), ',' ORDER BY id)) AS d FROM civil.people`);
      return rows[0].d as string;
    });
    expect(digest).toBe(await centreDigest());
    const types = await withSourceDb(
      async (c) =>
        (
          await c.query(
            `SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'civil.people'::regclass AND attnum > 0 ORDER BY attnum`,
          )
        ).rows,
    );
    expect(types.map((t) => t.t)).toEqual(['bigint', 'text', 'character varying(20)', 'numeric(12,2)', 'timestamp with time zone', 'boolean', 'text[]']);
  });
});

/** Every payload in a workflow history (inputs, results, signals, summaries), decoded from base64 JSON. */
function decodedPayloads(history: unknown): string {
  const texts: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'data' && value instanceof Uint8Array) texts.push(Buffer.from(value).toString('utf8'));
        else if (key === 'data' && typeof value === 'string') texts.push(Buffer.from(value, 'base64').toString('utf8'));
        else visit(value);
      }
    }
  };
  visit(history);
  return texts.join('\n');
}

async function centreCount(): Promise<number> {
  const { rows } = await env.db.raw('SELECT count(*)::int AS n FROM clean.dist_people');
  return rows[0].n;
}

describe('a distribution whose worker is killed mid-copy', () => {
  it('leaves the target in its old state until the resumed copy swaps in exactly the new one', async () => {
    await env.db.raw('DROP TABLE IF EXISTS clean.dist_big');
    await env.db.raw(`CREATE TABLE clean.dist_big (id integer PRIMARY KEY, payload text)`);
    await env.db.raw(`INSERT INTO clean.dist_big SELECT g, repeat('x', 60) || g FROM generate_series(1, 300000) g`);
    await maria.query('DROP TABLE IF EXISTS big');
    await maria.query('CREATE TABLE big (id INT PRIMARY KEY, payload LONGTEXT)');
    await maria.query("INSERT INTO big VALUES (1, 'old'), (2, 'old')");
    const spec = distributeSpec(
      { connection: 'dept_mariadb', table: 'big' },
      { source: { table: 'clean.dist_big' }, options: { batchRows: 5_000, heartbeatSeconds: 5 } },
      ['id', 'payload'],
    );
    const taskQueue = 'test-distribute-crash';
    const childEnv = {
      DATABASE_URL: env.config.databaseUrl,
      TEMPORAL_ADDRESS: env.config.temporal.address,
      DATAOPS_TASK_QUEUE: taskQueue,
      DATAOPS_CONNECTION_DEPT_MARIADB: TEST_MARIADB_URL,
    };
    const first = spawnWorker('dist-worker-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const { handle, runId } = await run(spec, taskQueue);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'distribute' }).first();
      if (row && row.status !== 'staging') throw new Error('the copy finished before the worker could be killed');
      if (row && row.state.rows >= 40_000) break;
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    // Mid-copy the department still reads its old table, whole.
    expect(await mariaRows('SELECT id, payload FROM big ORDER BY id')).toEqual([
      { id: 1, payload: 'old' },
      { id: 2, payload: 'old' },
    ]);
    const second = spawnWorker('dist-worker-b', childEnv);
    try {
      const result = (await handle.result()) as DistributeResult;
      expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
      expect(result.stage.resumedFromRow).toBeGreaterThanOrEqual(40_000);
      expect(result.publish.rows).toBe(300_000);
      const [check] = await mariaRows(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MIN(id) AS lo, MAX(id) AS hi, SUM(payload = CONCAT(REPEAT('x', 60), id)) AS exact FROM big",
      );
      expect(check).toEqual({ n: '300000', ids: '300000', lo: 1, hi: 300000, exact: '300000' });
    } finally {
      second.kill('SIGTERM');
    }
  });
});
