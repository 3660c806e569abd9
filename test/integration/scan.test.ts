import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createConnection, type Connection } from 'mysql2/promise';
import { MockActivityEnvironment } from '@temporalio/testing';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { scanConnection } from '../../activities/scan/scan-connection.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { collectSpec, runCollect } from '../support/run-job.ts';
import { withSourceDb } from '../support/source-db.ts';
import { runCliAsync } from '../support/cli.ts';
import { badChecksumId, random18Digits, validCitizenId, validCreditCode, validMobile } from '../support/personal-values.ts';
import { TEST_DATABASE_URL, TEST_MARIADB_SERVER_URL } from '../support/urls.ts';
import { quoteMysqlIdent } from '../../connectors/mariadb/load-data.ts';
import { citizenId as maskCitizenId, mobile as maskMobile } from '../../governance/masking/masks.ts';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type ScanJobSpec } from '../../schemas/job-spec.ts';
import type { ConnectionScanSummary, ScanResult } from '../../schemas/scan-run.ts';
import { closeAllDbs } from '../../db/knex.ts';

// The security scan against real databases: a department's PostgreSQL and MariaDB that may receive
// only public data (L1) unmasked, holding unmasked IDs and mobiles beside masked ones and 18-digit
// numbers that are no IDs, and the centre with catalogued and uncatalogued tables.
const DEPT_PG_URL = TEST_DATABASE_URL.replace(/\/([^/]+)$/, '/$1_scan_dept');
const MARIADB_DATABASE = `${new URL(TEST_DATABASE_URL).pathname.slice(1)}_scan`;
const DEPT_MARIADB_URL = `${TEST_MARIADB_SERVER_URL}${MARIADB_DATABASE}`;

const configDir = mkdtempSync(join(tmpdir(), 'dataops-scan-'));
writeFileSync(
  join(configDir, 'dataops.config.yaml'),
  `connections:
  dept_pg: { type: postgres, urlEnv: TEST_SCAN_DEPT_PG_URL }
  dept_maria: { type: mysql, urlEnv: TEST_SCAN_DEPT_MARIADB_URL }
  dept_maria_trusted: { type: mysql, urlEnv: TEST_SCAN_DEPT_MARIADB_URL, maxUnmaskedLevel: L4 }
  drop_folder: { type: files, root: ${configDir} }
  dept_unset: { type: postgres, urlEnv: TEST_SCAN_UNSET_URL }
`,
);
process.env.DATAOPS_CONFIG = join(configDir, 'dataops.config.yaml');
process.env.TEST_SCAN_DEPT_PG_URL = DEPT_PG_URL;
process.env.TEST_SCAN_DEPT_MARIADB_URL = DEPT_MARIADB_URL;

const N = 200;
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
const IDS = range(N, validCitizenId);
const MOBILES = range(N, validMobile);

let env: TestEnv;
let maria: Connection;
let counter = 0;

async function recreatePgDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Rows as parallel text arrays, into a PostgreSQL table in one statement (each value cast to its column's type). */
async function pgInsert(client: pg.Client, table: string, columns: string[], values: string[][]): Promise<void> {
  const arrays = columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0`,
    [table],
  );
  const typeOf = new Map(rows.map((r) => [r.name, r.type]));
  const casts = columns.map((c, i) => `c${i}::${typeOf.get(c)}`).join(', ');
  await client.query(
    `INSERT INTO ${table} (${columns.join(', ')}) SELECT ${casts} FROM unnest(${arrays}) AS u(${columns.map((_, i) => `c${i}`).join(', ')})`,
    values,
  );
}

async function mariaInsert(table: string, columns: string[], values: string[][]): Promise<void> {
  const rows = values[0]!.map((_, r) => values.map((column) => column[r]));
  await maria.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ?`, [rows]);
}

beforeAll(async () => {
  await recreatePgDatabase(DEPT_PG_URL);
  const dept = new pg.Client({ connectionString: DEPT_PG_URL });
  await dept.connect();
  try {
    await dept.query(`CREATE TABLE public.people (id serial PRIMARY KEY, name text, citizen_id varchar(18), mobile bigint, note text)`);
    await pgInsert(
      dept,
      'public.people',
      ['name', 'citizen_id', 'mobile', 'note'],
      [range(N, (i) => `居民${i}`), IDS, MOBILES, range(N, (i) => (i % 3 ? `note ${i}` : ''))],
    );
    // As a distribution sends them by default: IDs 6 + 4, mobiles 3 + 4.
    await dept.query(`CREATE TABLE public.people_masked (id serial PRIMARY KEY, citizen_id text, mobile text)`);
    await pgInsert(dept, 'public.people_masked', ['citizen_id', 'mobile'], [IDS.map((v) => maskCitizenId(v)!), MOBILES.map((v) => maskMobile(v)!)]);
    // 18-digit order numbers: random, or one check character off a real ID.
    await dept.query(`CREATE TABLE public.orders (order_no char(18) PRIMARY KEY, ref numeric(18, 0))`);
    await pgInsert(dept, 'public.orders', ['order_no', 'ref'], [range(N, random18Digits), range(N, badChecksumId)]);
    // Under the share threshold: a third valid IDs.
    await dept.query(`CREATE TABLE public.mixed (v text)`);
    await pgInsert(dept, 'public.mixed', ['v'], [range(N, (i) => (i % 3 === 0 ? IDS[i]! : badChecksumId(i)))]);
    // A run's shadow table and a view: not scanned.
    await dept.query(`CREATE TABLE public.people__dataops_0123456789 AS SELECT * FROM public.people`);
    await dept.query(`CREATE VIEW public.people_view AS SELECT citizen_id FROM public.people`);
    // Big enough that the sample is a TABLESAMPLE bounded by sampleRows.
    await dept.query('CREATE SCHEMA hr');
    await dept.query(`CREATE TABLE hr.staff (id serial PRIMARY KEY, sfz text)`);
    await pgInsert(dept, 'hr.staff', ['sfz'], [range(20_000, validCitizenId)]);
    await dept.query('ANALYZE');
  } finally {
    await dept.end();
  }

  const server = await createConnection({ uri: TEST_MARIADB_SERVER_URL });
  await server.query(`DROP DATABASE IF EXISTS ${quoteMysqlIdent(MARIADB_DATABASE)}`);
  await server.query(`CREATE DATABASE ${quoteMysqlIdent(MARIADB_DATABASE)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await server.end();
  maria = await createConnection({ uri: DEPT_MARIADB_URL });
  await maria.query('CREATE TABLE people (id INT AUTO_INCREMENT PRIMARY KEY, 姓名 VARCHAR(20), 身份证号 CHAR(18), 手机 VARCHAR(20), 信用代码 VARCHAR(18))');
  await mariaInsert(
    'people',
    ['姓名', '身份证号', '手机', '信用代码'],
    [range(N, (i) => `居民${i}`), IDS, MOBILES.map((m) => `+86 ${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`), range(N, validCreditCode)],
  );
  await maria.query('CREATE TABLE people_masked (id INT AUTO_INCREMENT PRIMARY KEY, id_no VARCHAR(18), mobile VARCHAR(11))');
  await mariaInsert('people_masked', ['id_no', 'mobile'], [IDS.map((v) => maskCitizenId(v, 1, 2)!), MOBILES.map((v) => maskMobile(v)!)]);
  await maria.query('CREATE TABLE serials (serial DECIMAL(18, 0) PRIMARY KEY, code CHAR(18))');
  await mariaInsert('serials', ['serial', 'code'], [range(N, random18Digits), range(N, badChecksumId)]);
  await maria.query('CREATE TABLE people__dataops_0123456789 AS SELECT * FROM people');
  await maria.query('CREATE VIEW people_view AS SELECT 身份证号 FROM people');

  env = await startTestEnv('test-scan');
  // The centre: a catalogued table with a column of IDs the profiler could not call IDs (60% of it),
  // and a table nobody catalogued.
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.scan_people');
    await client.query('CREATE TABLE public.scan_people (id integer PRIMARY KEY, citizen_id text, contact text)');
    await pgInsert(client, 'public.scan_people', ['id', 'citizen_id', 'contact'], [range(N, String), IDS, range(N, (i) => (i % 5 < 3 ? IDS[i]! : `窗口${i}`))]);
  });
  await runCollect(
    env.client,
    env.config,
    collectSpec({
      dataset: 'scan-people',
      source: { type: 'table', connection: 'dept_source', table: 'public.scan_people' },
      target: { table: 'raw.scan_people' },
    }),
  );
  // A column added behind the catalogue's back.
  await env.db.raw('ALTER TABLE raw.scan_people ADD COLUMN phone text');
  await env.db.raw(`UPDATE raw.scan_people SET phone = '1391234' || lpad(id::text, 4, '0')`);
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS scan_t');
  await env.db.raw('DROP TABLE IF EXISTS scan_t.uncatalogued');
  await env.db.raw('CREATE TABLE scan_t.uncatalogued (code text, masked text)');
  await env.db.raw('INSERT INTO scan_t.uncatalogued SELECT * FROM unnest(?::text[], ?::text[])', [
    range(N, validCreditCode),
    IDS.map((v) => maskCitizenId(v)!),
  ]);
}, 300_000);

afterAll(async () => {
  await env?.stop();
  await maria?.end();
  await closeAllDbs();
});

function scanSpec(extra: object = {}): ScanJobSpec {
  counter += 1;
  return jobSpecSchema.parse({ kind: 'scan', job: `scan-${counter}`, dataset: 'security-scan', department: 'data-centre', ...extra }) as ScanJobSpec;
}

async function runScan(spec: ScanJobSpec) {
  const { handle, workflowId } = await startJob(env.client, env.config, spec, `scan:${spec.dataset}:${Date.now()}-${counter}`);
  return { handle, workflowId };
}

/** A run's stored findings, outside the centre's other tests' tables. */
async function storedFindings(runId: string) {
  const rows = await env.db('dataops.scan_findings').where({ run_id: runId }).orderBy(['connection', 'table_name', 'column_name']);
  return rows
    .filter((r) => r.connection !== 'centre' || r.table_name.startsWith('scan_t.') || r.table_name === 'raw.scan_people')
    .map((r) => [r.connection, r.table_name, r.column_name, r.detected_type, r.detected_level, r.classification ?? r.allowed_level]);
}

describe('the security scan', () => {
  it('reports exactly the unmasked personal columns above what each place allows, and stores them', async () => {
    const spec = scanSpec({ connections: ['dept_pg', 'dept_maria', 'dept_maria_trusted', 'centre'], sampleRows: 500 });
    const { handle, workflowId } = await runScan(spec);
    const result = (await handle.result()) as ScanResult;
    expect(await storedFindings(workflowId)).toEqual([
      ['centre', 'raw.scan_people', 'contact', 'citizen_id', 'L4', 'L1 (not personal)'],
      ['centre', 'raw.scan_people', 'phone', 'mobile', 'L3', 'not catalogued'],
      ['centre', 'scan_t.uncatalogued', 'code', 'credit_code', 'L2', null],
      [`dept_maria`, `${MARIADB_DATABASE}.people`, '信用代码', 'credit_code', 'L2', 'L1'],
      [`dept_maria`, `${MARIADB_DATABASE}.people`, '手机', 'mobile', 'L3', 'L1'],
      [`dept_maria`, `${MARIADB_DATABASE}.people`, '身份证号', 'citizen_id', 'L4', 'L1'],
      ['dept_pg', 'hr.staff', 'sfz', 'citizen_id', 'L4', 'L1'],
      ['dept_pg', 'public.people', 'citizen_id', 'citizen_id', 'L4', 'L1'],
      ['dept_pg', 'public.people', 'mobile', 'mobile', 'L3', 'L1'],
    ]);
    const byConnection = Object.fromEntries(result.connections.map((c) => [c.connection, c]));
    // people, people_masked, orders, mixed, hr.staff: not the shadow, not the view.
    expect(byConnection.dept_pg).toMatchObject({ tables: 5, findings: 3, skippedCount: 0 });
    expect(byConnection.dept_maria).toMatchObject({ tables: 3, findings: 3 });
    expect(byConnection.dept_maria_trusted).toMatchObject({ tables: 3, findings: 0 });
    expect(result.findings).toBe(result.connections.reduce((n, c) => n + c.findings, 0));

    const staff = await env.db('dataops.scan_findings').where({ run_id: workflowId, connection: 'dept_pg', table_name: 'hr.staff' }).first();
    // 20,000 rows, sampled 500 at most.
    expect(staff).toMatchObject({ sampled: 500, validated: 500, share: 1, allowed_level: 'L1' });
    expect(staff.reason).toBe('500 of 500 sampled values are valid citizen_id (L4), unmasked; the connection may receive up to L1 unmasked');
    const contact = await env.db('dataops.scan_findings').where({ run_id: workflowId, table_name: 'raw.scan_people', column_name: 'contact' }).first();
    expect(contact).toMatchObject({ sampled: N, validated: (N * 3) / 5, share: 0.6 });

    // The run is recorded like every other, and its history carries connection names, never URLs.
    expect(await env.db('dataops.runs').where({ run_id: workflowId }).first('kind', 'status')).toEqual({ kind: 'scan', status: 'succeeded' });
    const history = JSON.stringify(await handle.fetchHistory());
    for (const secret of [DEPT_PG_URL, DEPT_MARIADB_URL, 'postgres://', 'mysql://']) expect(history).not.toContain(secret);

    // The latest findings, from the CLI: exit 1 because there are findings.
    const last = await runCliAsync(['scan', '--last', '--json']);
    expect(last.status).toBe(1);
    const printed = JSON.parse(last.stdout) as { run: string; status: string; findings: { connection: string }[] };
    expect(printed).toMatchObject({ run: workflowId, status: 'succeeded' });
    expect(printed.findings.filter((f) => f.connection.startsWith('dept_'))).toHaveLength(6);
    const table = await runCliAsync(['scan', '--last', '--connection', 'dept_pg']);
    expect(table.stdout).toContain(`scan ${workflowId} (succeeded`);
    expect(table.stdout).toMatch(/dept_pg\s+hr\.staff\s+sfz\s+citizen_id \(L4\)\s+500\/500 \(100%\)\s+connection allows L1/);
  });

  it('runs from the CLI through Temporal and exits 0 when a connection holds nothing it may not', async () => {
    const cli = await runCliAsync(['scan', '--connection', 'dept_maria_trusted', '--sample-rows', '100'], {}, { timeoutMs: 60_000 });
    expect(cli.stderr).toMatch(/started scan:security-scan:/);
    expect(cli.stdout).toContain('dept_maria_trusted: 3 tables');
    expect(cli.stdout).toContain('no unmasked personal data found where it should not be');
    expect(cli.status).toBe(0);
    const dirty = await runCliAsync(['scan', '--connection', 'dept_maria', '--json'], {}, { timeoutMs: 60_000 });
    expect(dirty.status).toBe(1);
    const report = JSON.parse(dirty.stdout) as { status: string; findings: { column: string; detectedType: string }[] };
    expect(report.status).toBe('succeeded');
    expect(report.findings.map((f) => [f.column, f.detectedType])).toEqual([
      ['信用代码', 'credit_code'],
      ['手机', 'mobile'],
      ['身份证号', 'citizen_id'],
    ]);
  });

  it('refuses an unknown or files connection before sampling anything', async () => {
    const { handle, workflowId } = await runScan(scanSpec({ connections: ['dept_pg', 'nope', 'drop_folder'] }));
    await expectWorkflowFailure(handle, /unknown connection "nope"; connection "drop_folder" is a files connection/);
    expect(await env.db('dataops.scan_findings').where({ run_id: workflowId }).count('* as n').first()).toEqual({ n: '0' });
    expect((await env.db('dataops.runs').where({ run_id: workflowId }).first('status')).status).toBe('failed');
  });

  it('stores what it found on the other connections when one cannot be scanned, and fails the run naming it', async () => {
    const { handle, workflowId } = await runScan(scanSpec({ connections: ['dept_maria', 'dept_unset'] }));
    await expectWorkflowFailure(
      handle,
      /could not scan 1 of 2 connection\(s\): dept_unset: connection "dept_unset" has no URL: environment variable TEST_SCAN_UNSET_URL is not set \(the others' 3 finding\(s\) are stored\)/,
    );
    expect((await storedFindings(workflowId)).map((f) => f[0])).toEqual(['dept_maria', 'dept_maria', 'dept_maria']);
    const last = await runCliAsync(['scan', '--last']);
    expect(last.stdout).toContain(`scan ${workflowId} (failed`);
    expect(last.status).toBe(1);
  });

  it('resumes a retried connection after the last table its predecessor stored, and stores a table sampled twice once', async () => {
    const runId = `scan-resume-${Date.now()}`;
    const spec = scanSpec({ connections: ['dept_pg'] });
    const target = { connection: 'dept_pg', kind: 'postgres' as const, centre: false };
    const first = (await new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000 }).run(scanConnection, { runId, spec, target })) as ConnectionScanSummary;
    expect(first).toMatchObject({ tables: 5, findings: 3 });
    const foundAt = async () =>
      Object.fromEntries(
        (await env.db('dataops.scan_findings').where({ run_id: runId }).select('table_name', 'column_name', 'found_at')).map((r) => [
          `${r.table_name}.${r.column_name}`,
          new Date(r.found_at).getTime(),
        ]),
      );
    const firstFound = await foundAt();
    // An attempt that heartbeated after public.orders (tables go in name order: hr.staff, public.mixed,
    // public.orders, public.people, public.people_masked) samples only the last two.
    const before = { ...first, tables: 3, findings: 1, columns: 0, rows: 0 };
    const retried = new MockActivityEnvironment({ heartbeatTimeoutMs: 30_000, attempt: 2, heartbeatDetails: { lastTable: 'public.orders', summary: before } });
    const second = (await retried.run(scanConnection, { runId, spec, target })) as ConnectionScanSummary;
    expect(second).toMatchObject({ tables: 5, findings: 3, columns: 4 + 2 });
    const secondFound = await foundAt();
    expect(secondFound['hr.staff.sfz']).toBe(firstFound['hr.staff.sfz']);
    expect(secondFound['public.people.citizen_id']).toBeGreaterThan(firstFound['public.people.citizen_id']!);
    expect(await storedFindings(runId)).toEqual([
      ['dept_pg', 'hr.staff', 'sfz', 'citizen_id', 'L4', 'L1'],
      ['dept_pg', 'public.people', 'citizen_id', 'citizen_id', 'L4', 'L1'],
      ['dept_pg', 'public.people', 'mobile', 'mobile', 'L3', 'L1'],
    ]);
  });
});
