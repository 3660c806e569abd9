import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { ensureDepartmentMariadb } from '../support/department-dbs.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { withSourceDb } from '../support/source-db.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { TEST_MARIADB_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type ShareJobSpec } from '../../schemas/job-spec.ts';
import type { ShareResult } from '../../schemas/share-run.ts';
import type { ExtractManifest } from '../../activities/share/extract-manifest.ts';
import { closeAllDbs } from '../../db/knex.ts';

// Data sharing: filtered, masked extracts of a catalogued dataset for a consumer department, as files
// with a manifest or as a table in the consumer's database; leaks, unknown filter columns and expired
// shares refused before anything is written.
const configDir = mkdtempSync(join(tmpdir(), 'dataops-share-'));
const outbox = join(configDir, 'outbox');
mkdirSync(outbox);
writeFileSync(
  join(configDir, 'dataops.config.yaml'),
  `connections:
  civil_outbox: { type: files, root: ${JSON.stringify(outbox)} }
  civil_outbox_l4: { type: files, root: ${JSON.stringify(outbox)}, maxUnmaskedLevel: L4 }
  civil_pg: { type: postgres, urlEnv: TEST_SHARE_PG_URL }
  civil_maria: { type: mysql, urlEnv: TEST_SHARE_MARIADB_URL }
`,
);
process.env.DATAOPS_CONFIG = join(configDir, 'dataops.config.yaml');
process.env.TEST_SHARE_PG_URL = TEST_SOURCE_DATABASE_URL;
process.env.TEST_SHARE_MARIADB_URL = TEST_MARIADB_URL;
let env: TestEnv;
let counter = 0;
const DATASET = 'share-residents';
const COLUMNS = ['resident_id', 'name', 'citizen_id', 'gender', 'birth_date', 'mobile', 'street', 'registered_at'];
const FILTER = {
  all: [
    { column: 'street', op: 'in', values: ['莘庄镇', '七宝镇', '古美路街道'] },
    {
      any: [
        { column: 'gender', op: 'eq', value: '女' },
        { column: 'birth_date', op: 'lt', value: '1980-01-01' },
      ],
    },
  ],
};
// The same condition, written by hand, to count what the extract must hold (birth_date is collected as text).
const FILTER_SQL = `street IN ('莘庄镇', '七宝镇', '古美路街道') AND (gender = '女' OR birth_date < '1980-01-01')`;

beforeAll(async () => {
  await ensureDepartmentMariadb();
  env = await startTestEnv('test-share');
  const { collectSpec } = await import('../support/run-job.ts');
  const collect = collectSpec({
    dataset: DATASET,
    source: { type: 'file', connection: 'samples', path: 'residents.csv' },
    target: { table: 'raw.share_residents' },
  });
  await (await startJob(env.client, env.config, collect, `collect:${DATASET}:${Date.now()}`)).handle.result();
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

function shareSpec(output: object, extra: object = {}): ShareJobSpec {
  counter += 1;
  return jobSpecSchema.parse({
    kind: 'share',
    job: `share-${counter}`,
    dataset: DATASET,
    department: 'public-security',
    consumer: 'civil-affairs',
    purpose: '低保资格复核',
    expires: '2099-12-31',
    source: { columns: COLUMNS, key: 'resident_id' },
    filter: FILTER,
    output,
    options: { batchRows: 100 },
    ...extra,
  }) as ShareJobSpec;
}

async function run(spec: ShareJobSpec) {
  return startJob(env.client, env.config, spec, `share:${spec.job}:${Date.now()}-${counter}`);
}

async function centreCount(where: string): Promise<number> {
  const { rows } = await env.db.raw(`SELECT count(*)::int AS n FROM raw.share_residents WHERE ${where}`);
  return rows[0].n;
}

/** Everything under the outbox, hidden folders included: what a consumer could see. */
function outboxEntries(folder: string): string[] {
  const root = join(outbox, folder);
  return existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : [];
}

/** Reads one extract file back with its format's own library, as rows of plain values. */
function readBack(format: string, bytes: Buffer): Record<string, unknown>[] {
  if (format === 'csv') {
    const lines = bytes.toString('utf8').trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    return lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i]!, v])));
  }
  if (format === 'ndjson')
    return bytes
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
  const table: Table = format === 'arrow' ? tableFromIPC(bytes) : tableFromIPC(readParquet(bytes).intoIPCStream());
  return table.toArray().map((r) => r.toJSON());
}

describe('file shares', () => {
  it.each(['csv', 'ndjson', 'arrow', 'parquet'])(
    'writes %s files with a manifest whose row counts and SHA-256s match, the filter applied and personal columns masked',
    async (format) => {
      const spec = shareSpec({ files: { connection: 'civil_outbox', path: `civil/${format}`, format, rowsPerFile: 150 } });
      const { handle, runId } = await run(spec);
      const result = (await handle.result()) as ShareResult;
      const expected = await centreCount(FILTER_SQL);
      expect(expected).toBeGreaterThan(300);
      expect(result.publish).toMatchObject({
        consumer: 'civil-affairs',
        purpose: '低保资格复核',
        output: 'files',
        connection: 'civil_outbox',
        format,
        rows: expected,
        filtered: true,
        masked: { name: 'name', citizen_id: 'citizen_id', mobile: 'mobile' },
      });
      expect(result.publish.specHash).toMatch(/^[0-9a-f]{64}$/);

      const folder = join(outbox, result.publish.directory!);
      const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as ExtractManifest;
      expect(manifest).toMatchObject({
        runId,
        consumer: 'civil-affairs',
        owner: 'public-security',
        purpose: '低保资格复核',
        expires: '2099-12-31',
        rows: expected,
        format,
      });
      expect(manifest.specHash).toBe(result.publish.specHash);
      expect(manifest.filter).toEqual(FILTER);
      // One audit entry: what left, to whom, why, how masked.
      const audit = await env.db('dataops.audit_log').where({ run_id: runId }).select();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'share', recipient: 'civil-affairs', spec_hash: result.publish.specHash, rows: String(expected) });
      expect(audit[0].details).toMatchObject({ purpose: '低保资格复核', expires: '2099-12-31', format, filter: FILTER });
      expect(audit[0].masking.masks).toMatchObject({ citizen_id: 'citizen_id', resident_id: 'none' });
      expect(manifest.masking).toEqual({ name: 'name', citizen_id: 'citizen_id', mobile: 'mobile' });
      expect(manifest.columns.map((c) => c.name)).toEqual(COLUMNS);
      expect(manifest.columns.find((c) => c.name === 'resident_id')).toMatchObject({ mask: 'none' });
      expect(manifest.files.length).toBe(Math.ceil(expected / 150));
      expect(readdirSync(folder).sort()).toEqual(['manifest.json', ...manifest.files.map((f) => f.name)].sort());

      const rows: Record<string, unknown>[] = [];
      for (const file of manifest.files) {
        const bytes = readFileSync(join(folder, file.name));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
        expect(bytes.length).toBe(file.bytes);
        const back = readBack(format, bytes);
        expect(back.length).toBe(file.rows);
        rows.push(...back);
      }
      expect(rows.length).toBe(expected);
      // Every citizen ID left masked: first 6 and last 4 kept, the birth date hidden.
      for (const row of rows) expect(String(row.citizen_id)).toMatch(/^\d{6}\*{8}[\dX]{4}$/);
      const ids = rows.map((r) => Number(r.resident_id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      if (format === 'ndjson') expect(typeof rows[0]!.resident_id).toBe('number');
      if (format === 'arrow' || format === 'parquet') expect(typeof rows[0]!.resident_id === 'bigint' || typeof rows[0]!.resident_id === 'number').toBe(true);
      if (format !== 'csv') expect(String(rows[0]!.registered_at)).not.toBe('');
      // No partial folder of the run is left beside the extract.
      expect(readdirSync(join(outbox, 'civil', format)).filter((n) => n.startsWith('.dataops-partial'))).toEqual([]);
    },
  );

  it('refuses a share that would send an unmasked citizen ID where the consumer may not see it, writing nothing', async () => {
    const spec = shareSpec({ files: { connection: 'civil_outbox', path: 'leak', format: 'csv' } }, { masks: { citizen_id: { mask: 'none' } } });
    const { handle } = await run(spec);
    await expectWorkflowFailure(handle, /may receive data up to L1 unmasked; this distribution would send citizen_id \(L4\) unmasked/);
    expect(outboxEntries('leak')).toEqual([]);
  });

  it('refuses a filter on an unknown column and a value that does not fit its column, naming them, writing nothing', async () => {
    const spec = shareSpec(
      { files: { connection: 'civil_outbox', path: 'bad-filter', format: 'ndjson' } },
      {
        filter: {
          all: [
            { column: 'district', op: 'eq', value: '闵行' },
            { column: 'resident_id', op: 'gt', value: '1; DROP TABLE raw.share_residents; --' },
          ],
        },
      },
    );
    const { handle } = await run(spec);
    await expectWorkflowFailure(handle, /filter column "district" is not a column of the source[\s\S]*for column "resident_id" \(\w+\) is not an integer/);
    expect(outboxEntries('bad-filter')).toEqual([]);
    expect(await centreCount('true')).toBe(2000);
  });

  it('refuses a filter that would reveal a column the consumer may only see masked, and allows isNull on it', async () => {
    const oracle = shareSpec(
      { files: { connection: 'civil_outbox', path: 'oracle', format: 'csv' } },
      {
        filter: {
          all: [
            { column: 'street', op: 'eq', value: '莘庄镇' },
            { column: 'citizen_id', op: 'startsWith', value: '31011219900307' },
          ],
        },
      },
    );
    await expectWorkflowFailure((await run(oracle)).handle, /the filter compares citizen_id \(L4\), above the L1 the destination may see in clear/);
    expect(outboxEntries('oracle')).toEqual([]);
    const present = shareSpec(
      { files: { connection: 'civil_outbox', path: 'present', format: 'csv' } },
      {
        filter: {
          all: [
            { column: 'street', op: 'eq', value: '莘庄镇' },
            { column: 'citizen_id', op: 'notNull' },
          ],
        },
      },
    );
    const result = (await (await run(present)).handle.result()) as ShareResult;
    expect(result.publish.rows).toBe(await centreCount("street = '莘庄镇' AND citizen_id IS NOT NULL"));
  });

  it('refuses an expired share before any row moves', async () => {
    const spec = shareSpec({ files: { connection: 'civil_outbox', path: 'expired', format: 'csv' } }, { expires: '2020-01-31' });
    const { handle } = await run(spec);
    await expectWorkflowFailure(handle, /this share with civil-affairs expired on 2020-01-31/);
    expect(outboxEntries('expired')).toEqual([]);
  });

  it('takes injection attempts in filter values as plain values', async () => {
    const spec = shareSpec(
      { files: { connection: 'civil_outbox', path: 'inject', format: 'ndjson' } },
      { filter: { column: 'street', op: 'eq', value: "莘庄镇' OR '1'='1" } },
    );
    const result = (await (await run(spec)).handle.result()) as ShareResult;
    expect(result.publish.rows).toBe(0);
    // An empty extract is still one (empty) file and a manifest.
    expect(result.publish.files).toHaveLength(1);
    expect(result.publish.files![0]!.rows).toBe(0);
  });
});

describe('table shares', () => {
  it('loads the filtered, masked rows into the consumer PostgreSQL and reconciles them with the filtered source', async () => {
    const spec = shareSpec({ table: { connection: 'civil_pg', table: 'civil.shared_residents', schemaChange: 'rebuild' } });
    const started = await run(spec);
    const result = (await started.handle.result()) as ShareResult;
    const expected = await centreCount(FILTER_SQL);
    expect(result.publish).toMatchObject({ output: 'table', connection: 'civil_pg', table: 'civil.shared_residents', rows: expected, reconciled: true });
    const audit = await env.db('dataops.audit_log').where({ run_id: started.runId }).select();
    expect(audit.map((a) => [a.action, a.recipient, a.spec_hash])).toEqual([['share', 'civil-affairs', result.publish.specHash]]);
    expect(audit[0].details).toMatchObject({ connection: 'civil_pg', purpose: '低保资格复核' });
    const { n, leaks } = await withSourceDb(async (c) => {
      const { rows } = await c.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE citizen_id ~ '^[0-9]{17}[0-9X]$')::int AS leaks FROM civil.shared_residents`,
      );
      return rows[0] as { n: number; leaks: number };
    });
    expect(n).toBe(expected);
    expect(leaks).toBe(0);
  });

  it('loads them into the consumer MariaDB alike', async () => {
    const spec = shareSpec({ table: { connection: 'civil_maria', table: 'shared_residents', schemaChange: 'rebuild' } });
    const result = (await (await run(spec)).handle.result()) as ShareResult;
    const expected = await centreCount(FILTER_SQL);
    expect(result.publish).toMatchObject({ output: 'table', connection: 'civil_maria', table: 'shared_residents', rows: expected, reconciled: true });
    const maria = await createConnection({ uri: TEST_MARIADB_URL });
    try {
      const [rows] = await maria.query<RowDataPacket[]>(
        "SELECT COUNT(*) AS n, SUM(citizen_id REGEXP '^[0-9]{17}[0-9X]$') AS leaks, SUM(street NOT IN ('莘庄镇', '七宝镇', '古美路街道')) AS outside FROM shared_residents",
      );
      expect(rows[0]).toMatchObject({ n: expected, leaks: '0', outside: '0' });
    } finally {
      await maria.end();
    }
  });

  it('refuses a leak to a table before the table exists', async () => {
    const spec = shareSpec({ table: { connection: 'civil_pg', table: 'civil.leaked_residents' } }, { masks: { citizen_id: { mask: 'none' } } });
    await expectWorkflowFailure((await run(spec)).handle, /would send citizen_id \(L4\) unmasked/);
    const exists = await withSourceDb(async (c) => (await c.query("SELECT to_regclass('civil.leaked_residents') AS t")).rows[0].t);
    expect(exists).toBeNull();
  });
});

describe('a file share whose worker is killed mid-extract', () => {
  it('shows the consumer nothing until the restarted extract is published whole, and leaves no partial folder', async () => {
    await env.db.raw('CREATE SCHEMA IF NOT EXISTS clean');
    await env.db.raw('DROP TABLE IF EXISTS clean.share_big');
    await env.db.raw('CREATE TABLE clean.share_big (id integer PRIMARY KEY, payload text)');
    await env.db.raw(`INSERT INTO clean.share_big SELECT g, repeat('x', 60) || g FROM generate_series(1, 200000) g`);
    const spec = shareSpec(
      { files: { connection: 'civil_outbox_l4', path: 'crash', format: 'ndjson', rowsPerFile: 50_000 } },
      {
        source: { table: 'clean.share_big' },
        filter: { column: 'id', op: 'gt', value: 0 },
        masks: { id: { mask: 'none' }, payload: { mask: 'none' } },
        options: { batchRows: 5_000, heartbeatSeconds: 5 },
      },
    );
    const taskQueue = 'test-share-crash';
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: taskQueue };
    const first = spawnWorker('share-worker-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const { handle, runId } = await startJob(env.client, { ...env.config, temporal: { ...env.config.temporal, taskQueue } }, spec, `share:crash:${Date.now()}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'share' }).first();
      if (row && row.status !== 'staging') throw new Error('the extract finished before the worker could be killed');
      if (row && row.state.rows >= 60_000) break;
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    // Mid-extract only the attempt's hidden partial folder exists: no extract folder for the consumer.
    expect(readdirSync(join(outbox, 'crash')).every((n) => n.startsWith('.dataops-partial-'))).toBe(true);
    const second = spawnWorker('share-worker-b', childEnv);
    try {
      const result = (await handle.result()) as ShareResult;
      expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
      expect(result.publish.rows).toBe(200_000);
      expect(result.publish.files!.map((f) => f.rows)).toEqual([50_000, 50_000, 50_000, 50_000]);
      const folder = join(outbox, result.publish.directory!);
      const ids = new Set<number>();
      for (const file of result.publish.files!) {
        const bytes = readFileSync(join(folder, file.name));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(file.sha256);
        for (const line of bytes.toString('utf8').trimEnd().split('\n')) ids.add((JSON.parse(line) as { id: number }).id);
      }
      expect(ids.size).toBe(200_000);
      expect(readdirSync(join(outbox, 'crash'))).toEqual([result.publish.directory!.split('/').pop()]);
    } finally {
      second.kill('SIGTERM');
    }
  });
});
