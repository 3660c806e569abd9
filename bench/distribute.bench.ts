/**
 * Benchmark (not a test): table distribution of N rows (default 1,000,000) × 10 columns from the
 * centre through the real workflow, to PostgreSQL and to MariaDB, each against a baseline measured in
 * the same run: a plain `COPY TO` piped into `COPY FROM` for PostgreSQL, and for MariaDB `LOAD DATA
 * LOCAL INFILE` of the same rows exported to a file first (the load alone is timed). Also the time of
 * reconciling the delivered copy on its own, and the same distribution split into two key ranges
 * (`parallelism: 2`, one worker). Reports medians, ratios and peak RSS.
 *
 *   npm run bench:distribute -- [--rows 1000000] [--runs 3] [--batch 100000]
 */
import { createReadStream, createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { createConnection } from 'mysql2/promise';
import { startBenchEnv, BENCH_DATABASE_URL } from './bench-env.ts';
import { median, parseBenchArgs, peakRssMb } from './bench-utils.ts';
import { startJob } from '../client/start-job.ts';
import { jobSpecSchema, type DistributeJobSpec } from '../schemas/job-spec.ts';
import type { DistributeResult } from '../schemas/distribute-run.ts';
import { mariadbMappings } from '../connectors/mariadb/type-mapping.ts';
import { openTarget } from '../activities/distribute/open-target.ts';
import { reconcileDistribution, withReconcileSession } from '../activities/distribute/reconcile-distribution.ts';
import type { DistributeCheckpoint } from '../activities/distribute/distribute-checkpoint.ts';
import { lastDistribution } from '../catalogue/distributions.ts';
import { centreDb } from '../db/knex.ts';

const { rows: ROWS, runs: RUNS, batch: BATCH_ROWS } = parseBenchArgs({ rows: 1_000_000, runs: 3, batch: 100_000 });
const SOURCE = `clean.bench_dist_${ROWS}`;
const DEPT_PG = process.env.BENCH_DEPT_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/dataops_bench_dept';
const DEPT_MARIADB = process.env.BENCH_DEPT_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306/dataops_bench';
// The department connections, as an operator would configure them; the source is not catalogued, so its
// columns go unmasked only to connections allowed L4.
const configDir = mkdtempSync(join(tmpdir(), 'dataops-bench-config-'));
writeFileSync(
  join(configDir, 'dataops.config.yaml'),
  `connections:\n  bench_pg: { type: postgres, url: "${DEPT_PG}", maxUnmaskedLevel: L4 }\n  bench_mariadb: { type: mysql, url: "${DEPT_MARIADB}", maxUnmaskedLevel: L4 }\n`,
);
process.env.DATAOPS_CONFIG = join(configDir, 'dataops.config.yaml');

async function prepare(db: pg.Client): Promise<string[]> {
  const server = new pg.Client({ connectionString: DEPT_PG.replace(/\/[^/]*$/, '/postgres') });
  await server.connect();
  const exists = await server.query('SELECT 1 FROM pg_database WHERE datname = $1', [new URL(DEPT_PG).pathname.slice(1)]);
  if (!exists.rowCount) await server.query(`CREATE DATABASE ${new URL(DEPT_PG).pathname.slice(1)}`);
  await server.end();
  const maria = await createConnection({ uri: DEPT_MARIADB.replace(/\/[^/]*$/, '/') });
  await maria.query(`CREATE DATABASE IF NOT EXISTS \`${new URL(DEPT_MARIADB).pathname.slice(1)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await maria.end();
  await db.query('CREATE SCHEMA IF NOT EXISTS clean');
  if (!(await db.query('SELECT to_regclass($1) AS t', [SOURCE])).rows[0].t) {
    console.log(`creating ${SOURCE} ...`);
    await db.query(`CREATE TABLE ${SOURCE} (id bigint PRIMARY KEY, name text, street varchar(20), address text, birth_date date,
      income numeric(12,2), status text, active boolean, registered_at timestamptz, updated_at timestamp)`);
    await db.query(`INSERT INTO ${SOURCE} SELECT g, '居民' || g, (ARRAY['江川路街道','古美路街道','莘庄镇','七宝镇'])[1 + g % 4],
      '上海市闵行区某路' || (g % 999) || '号', DATE '1950-01-01' + (g % 25000), (g % 100000) / 10.0, 'active', g % 3 = 0,
      TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * INTERVAL '1 second', TIMESTAMP '2026-01-01' + g * INTERVAL '1 ms' FROM generate_series(1, ${ROWS}) g`);
    await db.query(`VACUUM ANALYZE ${SOURCE}`);
  }
  const columns = await db.query<{ name: string; type: string }>(
    `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [SOURCE],
  );
  return columns.rows.map((c) => `${c.name} ${c.type}`);
}

/** The baseline for PostgreSQL: COPY TO STDOUT from the centre piped into COPY FROM STDIN on the target. */
async function pgPassThrough(db: pg.Client, definition: string[]): Promise<number> {
  const target = new pg.Client({ connectionString: DEPT_PG });
  await target.connect();
  await target.query('DROP TABLE IF EXISTS public.baseline');
  await target.query(`CREATE TABLE public.baseline (${definition.join(', ')})`);
  const t = performance.now();
  await pipeline(db.query(copyTo(`COPY ${SOURCE} TO STDOUT`)), target.query(copyFrom('COPY public.baseline FROM STDIN')));
  const ms = performance.now() - t;
  await target.end();
  return ms;
}

/** The baseline for MariaDB: the rows exported to a file as LOAD DATA reads it, then loaded (the load alone timed). */
async function mariadbLoadFile(db: pg.Client, dir: string): Promise<{ ms: number; exportMs: number }> {
  const columns = (
    await db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [SOURCE],
    )
  ).rows;
  const { mappings } = mariadbMappings(columns.map((c) => ({ name: c.name, pgType: c.type })));
  const file = join(dir, 'rows.tsv');
  const e = performance.now();
  await pipeline(db.query(copyTo(`COPY (SELECT ${mappings.map((m) => m.select).join(', ')} FROM ${SOURCE}) TO STDOUT`)), createWriteStream(file));
  const exportMs = performance.now() - e;
  const maria = await createConnection({ uri: DEPT_MARIADB, infileStreamFactory: () => createReadStream(file) });
  await maria.query('DROP TABLE IF EXISTS baseline');
  await maria.query(
    `CREATE TABLE baseline (${columns.map((c, i) => `\`${c.name}\` ${mappings[i]!.type}`).join(', ')}, PRIMARY KEY (id)) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  );
  await maria.query("SET time_zone = '+00:00'");
  const t = performance.now();
  await maria.query(`LOAD DATA LOCAL INFILE 'rows.tsv' INTO TABLE baseline CHARACTER SET utf8mb4 (${columns.map((c) => `\`${c.name}\``).join(', ')})`);
  const ms = performance.now() - t;
  await maria.end();
  return { ms, exportMs };
}

async function reconcileMs(dataset: string, connection: string): Promise<number> {
  const db = centreDb(BENCH_DATABASE_URL);
  const last = await lastDistribution<DistributeCheckpoint>(db, dataset, connection);
  const { loadConfig } = await import('../config/load-config.ts');
  const tables = await openTarget(loadConfig(), connection);
  const t = performance.now();
  const report = await withReconcileSession(BENCH_DATABASE_URL, (centre) => reconcileDistribution(centre, tables, last!.state, last!.state.target));
  const ms = performance.now() - t;
  if (report.keys.length || report.differingRanges) throw new Error(`reconciliation found differences: ${JSON.stringify(report.keys)}`);
  await tables.close();
  return ms;
}

async function main() {
  const env = await startBenchEnv('bench-distribute');
  const definition = await prepare(env.db);
  const dir = await mkdtemp(join(tmpdir(), 'dataops-bench-'));
  const spec = (connection: string, table: string, parallelism: number): DistributeJobSpec =>
    jobSpecSchema.parse({
      kind: 'distribute',
      job: `bench-${connection}`,
      dataset: `bench-dist-${connection}`,
      department: 'bench',
      source: { table: SOURCE, parallelism },
      options: { batchRows: BATCH_ROWS },
      target: { connection, table, schemaChange: 'rebuild' },
      masks: Object.fromEntries(definition.map((d) => [d.split(' ')[0], { mask: 'none' }])),
    }) as DistributeJobSpec;
  const results: Record<string, { dataops: number[]; baseline: number[]; reconcile: number[]; split: number[] }> = {
    postgres: { dataops: [], baseline: [], reconcile: [], split: [] },
    mariadb: { dataops: [], baseline: [], reconcile: [], split: [] },
  };
  for (let run = 1; run <= RUNS; run++) {
    for (const [name, connection, table] of [
      ['postgres', 'bench_pg', 'public.people'],
      ['mariadb', 'bench_mariadb', 'people'],
    ] as const) {
      const base = name === 'postgres' ? await pgPassThrough(env.db, definition) : (await mariadbLoadFile(env.db, dir)).ms;
      const distribute = async (parallelism: number) => {
        const t = performance.now();
        const { handle } = await startJob(
          env.client,
          env.config,
          spec(connection, table, parallelism),
          `bench-dist-${name}-${run}-p${parallelism}-${Date.now()}`,
        );
        const result = (await handle.result()) as DistributeResult;
        if (result.publish.rows !== ROWS) throw new Error(`${result.publish.rows} rows arrived, ${ROWS} expected`);
        return performance.now() - t;
      };
      // Split and unsplit runs take turns, so other load on the machine falls on both alike.
      const split = await distribute(2);
      const ms = await distribute(1);
      const rec = await reconcileMs(`bench-dist-${connection}`, connection);
      results[name]!.dataops.push(ms);
      results[name]!.baseline.push(base);
      results[name]!.reconcile.push(rec);
      results[name]!.split.push(split);
      console.log(
        `run ${run} ${name}: dataops ${(ms / 1000).toFixed(2)} s (${Math.round(ROWS / (ms / 1000)).toLocaleString()} rows/s) · baseline ${(base / 1000).toFixed(2)} s · ratio ${(base / ms).toFixed(2)} · reconcile ${(rec / 1000).toFixed(2)} s · parallelism 2 ${(split / 1000).toFixed(2)} s`,
      );
    }
  }
  console.log('');
  for (const [name, r] of Object.entries(results)) {
    const ms = median(r.dataops);
    const base = median(r.baseline);
    const rec = median(r.reconcile);
    console.log(
      `${name}, ${ROWS.toLocaleString()} rows × 10 columns, median of ${RUNS}: dataops ${Math.round(ROWS / (ms / 1000)).toLocaleString()} rows/s · ` +
        `baseline ${Math.round(ROWS / (base / 1000)).toLocaleString()} rows/s · ratio ${(base / ms).toFixed(2)} · reconciliation ${(rec / 1000).toFixed(2)} s on its own (the run includes one: copy alone ≈ ${((ms - rec) / 1000).toFixed(2)} s, ratio ${(base / (ms - rec)).toFixed(2)}, reconciliation / copy ${(rec / (ms - rec)).toFixed(2)}) · ` +
        `parallelism 2: ${Math.round(ROWS / (median(r.split) / 1000)).toLocaleString()} rows/s, ${(ms / median(r.split)).toFixed(2)}× parallelism 1`,
    );
  }
  console.log(`peak RSS of this process (worker included): ${peakRssMb().toFixed(0)} MB`);
  await rm(dir, { recursive: true, force: true });
  await env.stop();
}

await main();
