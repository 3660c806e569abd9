/**
 * Benchmark (not a test): which bulk path into MySQL / MariaDB a distribution should use. The same N
 * rows × 10 columns (default 1,000,000, exported once from the centre as the COPY text a distribution
 * sends) are loaded into an empty InnoDB table with a primary key, in batches of 100,000 rows each
 * committed, by (a) `LOAD DATA LOCAL INFILE` from memory, as connectors/mariadb/load-data.ts does, and
 * (b) batched multi-row `INSERT … VALUES (…), (…)` of 1,000 and 5,000 rows per statement (mysql2 escaping
 * the values). Reports the median of several runs of each and the ratio to LOAD DATA.
 *
 *   npm run bench:mariadb-load -- [--rows 1000000] [--runs 3]
 */
import pg from 'pg';
import { createConnection } from 'mysql2/promise';
import { to as copyTo } from 'pg-copy-streams';
import { BENCH_DATABASE_URL } from './bench-env.ts';
import { median, parseBenchArgs } from './bench-utils.ts';
import { connectMariadb, type MariadbSession } from '../connectors/mariadb/connect.ts';
import { loadCopyText, quoteMysqlIdent } from '../connectors/mariadb/load-data.ts';
import { mariadbMappings } from '../connectors/mariadb/type-mapping.ts';
import { parseCopyText } from '../connectors/postgres/copy-text.ts';
import { wholeLines } from '../connectors/whole-lines.ts';
import { migrateLatest } from '../db/migrate.ts';

const { rows: ROWS, runs: RUNS } = parseBenchArgs({ rows: 1_000_000, runs: 3 });
const BATCH_ROWS = 100_000;
const SOURCE = `clean.bench_load_${ROWS}`;
const DEPT_MARIADB = process.env.BENCH_DEPT_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/dataops_bench';

async function exportRows(db: pg.Client): Promise<{ batches: Buffer[]; columns: { name: string; type: string }[] }> {
  await db.query('CREATE SCHEMA IF NOT EXISTS clean');
  if (!(await db.query('SELECT to_regclass($1) AS t', [SOURCE])).rows[0].t) {
    await db.query(`CREATE TABLE ${SOURCE} (id bigint PRIMARY KEY, name text, street varchar(20), address text, birth_date date,
      income numeric(12,2), status text, active boolean, registered_at timestamptz, updated_at timestamp)`);
    await db.query(`INSERT INTO ${SOURCE} SELECT g, '居民' || g, (ARRAY['江川路街道','古美路街道','莘庄镇','七宝镇'])[1 + g % 4],
      '上海市闵行区某路' || (g % 999) || '号', DATE '1950-01-01' + (g % 25000), (g % 100000) / 10.0, 'active', g % 3 = 0,
      TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * INTERVAL '1 second', TIMESTAMP '2026-01-01' + g * INTERVAL '1 ms' FROM generate_series(1, ${ROWS}) g`);
  }
  const columns = (
    await db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [SOURCE],
    )
  ).rows;
  const { mappings } = mariadbMappings(columns.map((c) => ({ name: c.name, pgType: c.type })));
  await db.query("SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 3");
  const stream = db.query(copyTo(`COPY (SELECT ${mappings.map((m) => m.select).join(', ')} FROM ${SOURCE} ORDER BY id) TO STDOUT`));
  const batches: Buffer[] = [];
  let pending: Buffer[] = [];
  let lines = 0;
  for await (const piece of wholeLines(stream as AsyncIterable<Buffer>)) {
    pending.push(piece);
    for (let i = piece.indexOf(0x0a); i !== -1; i = piece.indexOf(0x0a, i + 1)) lines++;
    if (lines >= BATCH_ROWS) {
      batches.push(Buffer.concat(pending));
      pending = [];
      lines = 0;
    }
  }
  if (pending.length) batches.push(Buffer.concat(pending));
  return { batches, columns: columns.map((c, i) => ({ name: c.name, type: mappings[i]!.type })) };
}

async function freshTable(session: MariadbSession, columns: { name: string; type: string }[]): Promise<void> {
  await session.connection.query('DROP TABLE IF EXISTS bench_load');
  await session.connection.query(
    `CREATE TABLE bench_load (${columns.map((c) => `${quoteMysqlIdent(c.name)} ${c.type}`).join(', ')}, PRIMARY KEY (id)) ENGINE=InnoDB CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  );
}

async function loadData(session: MariadbSession, batches: Buffer[], names: string[]): Promise<void> {
  for (const batch of batches) {
    await session.connection.query('BEGIN');
    await loadCopyText(session, { table: 'bench_load' }, names, batch);
    await session.connection.query('COMMIT');
  }
}

async function insertRows(session: MariadbSession, batches: Buffer[], names: string[], perStatement: number): Promise<void> {
  const into = `INSERT INTO bench_load (${names.map(quoteMysqlIdent).join(', ')}) VALUES ?`;
  for (const batch of batches) {
    const rows = parseCopyText(batch.toString('utf8'), []);
    await session.connection.query('BEGIN');
    for (let i = 0; i < rows.length; i += perStatement) await session.connection.query(into, [rows.slice(i, i + perStatement)]);
    await session.connection.query('COMMIT');
  }
}

async function main() {
  await migrateLatest(BENCH_DATABASE_URL);
  const db = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await db.connect();
  const { batches, columns } = await exportRows(db);
  await db.end();
  const names = columns.map((c) => c.name);
  const server = await createConnection({ uri: DEPT_MARIADB.replace(/\/[^/]*$/, '/') });
  await server.query(`CREATE DATABASE IF NOT EXISTS \`${new URL(DEPT_MARIADB).pathname.slice(1)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await server.end();
  const session = await connectMariadb(DEPT_MARIADB, 'bench MariaDB');
  const ways: [string, (s: MariadbSession) => Promise<void>][] = [
    ['LOAD DATA LOCAL INFILE', (s) => loadData(s, batches, names)],
    ['INSERT, 1,000 rows per statement', (s) => insertRows(s, batches, names, 1_000)],
    ['INSERT, 5,000 rows per statement', (s) => insertRows(s, batches, names, 5_000)],
  ];
  const times = new Map<string, number[]>(ways.map(([name]) => [name, []]));
  for (let run = 1; run <= RUNS; run++) {
    for (const [name, load] of ways) {
      await freshTable(session, columns);
      const t = performance.now();
      await load(session);
      const ms = performance.now() - t;
      const [[count]] = (await session.connection.query('SELECT COUNT(*) AS n FROM bench_load')) as unknown as [[{ n: string }]];
      if (Number(count.n) !== ROWS) throw new Error(`${name}: ${count.n} rows loaded, ${ROWS} expected`);
      times.get(name)!.push(ms);
      console.log(`run ${run} ${name}: ${(ms / 1000).toFixed(2)} s`);
    }
  }
  const base = median(times.get(ways[0]![0])!);
  console.log('');
  for (const [name] of ways) {
    const ms = median(times.get(name)!);
    console.log(
      `${name}: ${Math.round(ROWS / (ms / 1000)).toLocaleString()} rows/s, median of ${RUNS} (${(ms / 1000).toFixed(2)} s; ${(ms / base).toFixed(2)}× the LOAD DATA time)`,
    );
  }
  await session.connection.query('DROP TABLE IF EXISTS bench_load');
  await session.close();
}

await main();
