/**
 * Benchmark (not a test): collect a 10-column CSV into PostgreSQL through the real collect workflow
 * (Temporal dev server, in-process worker, staging, profiling, type inference, atomic publish) and
 * compare with PostgreSQL's own server-side `COPY ... FROM 'file'` of the same file into a table of
 * the same final column types, measured in the same run.
 *
 *   npx tsx bench/collect.bench.ts [--rows 1000000] [--runs 3]
 */
import { mkdirSync, statSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startJob } from '../client/start-job.ts';
import { collectJobSpecSchema } from '../schemas/job-spec.ts';
import type { CollectResult } from '../schemas/collect-run.ts';
import { writeWideCsv } from '../samples/generator/wide-csv.ts';
import { PROJECT_ROOT } from '../temporal/cli-locator.ts';
import { BENCH_DATABASE_URL, startBenchEnv } from './bench-env.ts';
import { median, parseBenchArgs, peakRssMb } from './bench-utils.ts';

const { rows: ROWS, runs: RUNS } = parseBenchArgs({ rows: 1_000_000, runs: 3 });
const _DATABASE_URL = BENCH_DATABASE_URL;

async function main() {
  const dir = join(PROJECT_ROOT, '.state', 'bench');
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const file = join(dir, `wide-${ROWS}.csv`);
  await writeWideCsv(file, ROWS);
  chmodSync(file, 0o644);
  const sizeMb = statSync(file).size / 1_048_576;
  console.log(`file: ${file} (${ROWS.toLocaleString()} rows, 10 columns, ${sizeMb.toFixed(1)} MB)`);

  const env = await startBenchEnv('bench-collect');
  const { config, client, db } = env;

  const spec = collectJobSpecSchema.parse({
    kind: 'collect',
    job: 'bench-collect',
    dataset: 'bench-wide',
    department: 'bench',
    source: { type: 'file', path: file },
    target: { table: 'raw.bench_wide' },
    options: { batchRows: Number(process.env.BENCH_BATCH_ROWS ?? 100_000) },
  });
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const t0 = performance.now();
    const { handle } = await startJob(client, config, spec, `bench-collect-${Date.now()}`);
    const result = (await handle.result()) as CollectResult;
    const oursMs = performance.now() - t0;
    if (result.publish.rows !== ROWS) throw new Error(`collected ${result.publish.rows} rows, expected ${ROWS}`);
    ours.push(ROWS / (oursMs / 1000));

    await db.query('DROP TABLE IF EXISTS public.bench_baseline');
    await db.query('CREATE TABLE public.bench_baseline (LIKE raw.bench_wide)');
    const t1 = performance.now();
    await db.query(`COPY public.bench_baseline FROM '${file}' WITH (FORMAT csv, HEADER true)`);
    const baseMs = performance.now() - t1;
    baseline.push(ROWS / (baseMs / 1000));
    console.log(
      `run ${run}: dataops collect ${Math.round(ours.at(-1)!).toLocaleString()} rows/s (${(oursMs / 1000).toFixed(2)} s) · server-side COPY ${Math.round(baseline.at(-1)!).toLocaleString()} rows/s (${(baseMs / 1000).toFixed(2)} s)`,
    );
  }
  const types = await db.query(
    `SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position) AS t FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'bench_wide'`,
  );
  console.log(`published column types: ${types.rows[0].t}`);
  const oursMedian = median(ours);
  const baseMedian = median(baseline);
  console.log(
    `\nmedian of ${RUNS}: dataops collect ${Math.round(oursMedian).toLocaleString()} rows/s · server-side COPY ${Math.round(baseMedian).toLocaleString()} rows/s · ratio ${(oursMedian / baseMedian).toFixed(2)} (target >= 0.50)`,
  );
  console.log(`peak RSS of this process (worker included): ${peakRssMb().toFixed(0)} MB (target < 512 MB)`);

  await db.query('DROP TABLE IF EXISTS public.bench_baseline');
  await env.stop();
}

await main();
