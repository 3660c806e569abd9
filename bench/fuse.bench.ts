/**
 * Benchmark (not a test): fuse three generated department registers through the real fuse workflow
 * (staging, matching, publishing, on a worker in this process) and score the entities against the
 * generator's truth. The baseline in the same run is a plain scan of the same three tables
 * (`COPY ... TO STDOUT`, every row parsed), the least any fusion must do.
 *
 *   node --import tsx bench/fuse.bench.ts [--population 100000] [--coverage 0] [--runs 3] [--seed 20261201]
 *
 * `--coverage 0` is the generator's default overlap (about 2 records per person); `--coverage 1` puts every
 * person in every source (three sources of `population` records each: the issue's 3 × 1,000,000 case).
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { startJob } from '../client/start-job.ts';
import { jobSpecSchema, type FuseJobSpec } from '../schemas/job-spec.ts';
import type { FuseResult } from '../workflows/fuse.ts';
import { loadFusionSources } from '../samples/generator/fusion-pg.ts';
import { fusionJobSpec } from '../samples/generator/fusion-job.ts';
import { pairwiseScores } from '../samples/generator/linkage-truth.ts';
import { DEFAULT_FUSION_SOURCES } from '../samples/generator/fusion-spec.ts';
import { BENCH_DATABASE_URL, startBenchEnv } from './bench-env.ts';
import { cpuSeconds, cpuSpent, median, parseBenchArgs, peakRssMb } from './bench-utils.ts';

const { population: POPULATION, coverage: COVERAGE, runs: RUNS, seed: SEED } = parseBenchArgs({ population: 100_000, coverage: 0, runs: 3, seed: 20261201 });
const SCHEMA = `bench_fusion_${POPULATION}_${COVERAGE ? `c${COVERAGE}` : 'd'}_${SEED}`;

async function ensureSources(db: pg.Client): Promise<number> {
  const done = await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = 'fusion_truth'`, [SCHEMA]);
  if (!done.rows[0].n) {
    console.log(`loading ${SCHEMA} (population ${POPULATION.toLocaleString()}) ...`);
    const t = performance.now();
    await loadFusionSources(BENCH_DATABASE_URL, { schema: SCHEMA, population: POPULATION, seed: SEED, ...(COVERAGE ? { coverage: COVERAGE } : {}) });
    console.log(`loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (const s of DEFAULT_FUSION_SOURCES) await db.query(`VACUUM ANALYZE "${SCHEMA}"."${s.name}"`);
  }
  const n = await db.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".fusion_truth`);
  return n.rows[0].n;
}

/** The baseline: every record of the three tables read and split into fields once; the time and the records seen. */
async function plainScan(): Promise<{ ms: number; rows: number }> {
  const c = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await c.connect();
  const t = performance.now();
  let rows = 0;
  for (const s of DEFAULT_FUSION_SOURCES) {
    const stream = c.query(copyTo(`COPY "${SCHEMA}"."${s.name}" TO STDOUT`));
    let tail = '';
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines = (tail + chunk.toString('utf8')).split('\n');
      tail = lines.pop()!;
      for (const line of lines) if (line.split('\t').length > 1) rows++;
    }
  }
  const ms = performance.now() - t;
  await c.end();
  return { ms, rows };
}

async function score(db: pg.Client, job: string): Promise<ReturnType<typeof pairwiseScores>> {
  const predicted = await db.query(`SELECT source || ':' || record_id AS ref, entity_id FROM dataops.fusion_members WHERE job = $1`, [job]);
  const truth = await db.query(`SELECT source || ':' || record_id AS ref, person_key FROM "${SCHEMA}".fusion_truth`);
  return pairwiseScores(new Map(predicted.rows.map((r) => [r.ref, r.entity_id])), new Map(truth.rows.map((r) => [r.ref, r.person_key])));
}

async function main() {
  const env = await startBenchEnv('bench-fuse');
  const { config, client, db } = env;
  const records = await ensureSources(db);
  const rates: number[] = [];
  const scans: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const job = `bench-fuse-${run}`;
    // Clearing an earlier run of the job (3M rows after a large run) leaves dead rows that autovacuum would
    // clean while this run is timed: vacuum them first.
    for (const table of ['fusion_members', 'fusion_links', 'fusion_events', 'fusion_reviews', 'fusion_jobs']) {
      const cleared = await db.query(`DELETE FROM dataops.${table} WHERE job = $1`, [job]);
      if (cleared.rowCount) await db.query(`VACUUM ANALYZE dataops.${table}`);
    }
    await db.query(`DROP SCHEMA IF EXISTS bench_fused CASCADE`);
    const spec = jobSpecSchema.parse({
      ...fusionJobSpec({ schema: SCHEMA, target: `bench_fused.residents_${run}`, job }),
      options: { batchRows: 200_000, heartbeatSeconds: 60 },
    }) as FuseJobSpec;
    const c0 = cpuSeconds();
    const t0 = performance.now();
    const { handle } = await startJob(client, config, spec, `${job}-${Date.now()}`);
    const result = (await handle.result()) as FuseResult;
    const ms = performance.now() - t0;
    const c1 = cpuSeconds();
    const scan = await plainScan();
    if (scan.rows !== records) throw new Error(`the plain scan saw ${scan.rows} records, the truth has ${records}`);
    const scanMs = scan.ms;
    rates.push(records / (ms / 1000));
    scans.push(records / (scanMs / 1000));
    const s = await score(db, job);
    const t = result.match.timings;
    const matchMs = t.loadMs + t.featuresMs + t.blockingMs + t.comparingMs + t.clusteringMs + t.publishMs;
    console.log(
      `run ${run}: ${records.toLocaleString()} records → ${result.match.entities.toLocaleString()} entities in ${(ms / 1000).toFixed(1)} s = ${Math.round(rates.at(-1)!).toLocaleString()} records/s (${cpuSpent(c0, c1)}) · precision ${s.precision.toFixed(5)} recall ${s.recall.toFixed(5)} · plain scan ${Math.round(scans.at(-1)!).toLocaleString()} records/s`,
    );
    const phases = Object.entries(result.publish.phasesMs ?? {}).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`);
    console.log(
      `   stage (3 sources in parallel) ${(Math.max(...result.sources.map((x) => x.durationMs)) / 1000).toFixed(1)} s · publishing: ${phases.join(' · ')}`,
    );
    console.log(
      `   match step ${(matchMs / 1000).toFixed(1)} s: load ${(t.loadMs / 1000).toFixed(1)} · features ${(t.featuresMs / 1000).toFixed(1)} · blocking ${(t.blockingMs / 1000).toFixed(1)} · comparison ${(t.comparingMs / 1000).toFixed(1)} (${result.match.comparisons.toLocaleString()} pairs) · clustering ${(t.clusteringMs / 1000).toFixed(1)} · publishing (golden records included) ${(t.publishMs / 1000).toFixed(1)}; blocking:comparison = ${(t.blockingMs / (t.blockingMs + t.comparingMs)).toFixed(2)}:${(t.comparingMs / (t.blockingMs + t.comparingMs)).toFixed(2)}`,
    );
  }
  const o = median(rates);
  const b = median(scans);
  console.log(
    `\n${records.toLocaleString()} records, median of ${RUNS}: fuse ${Math.round(o).toLocaleString()} records/s · plain scan ${Math.round(b).toLocaleString()} records/s · ratio ${(o / b).toFixed(3)} (target: > 16,600 records/s, Splink 5 + DuckDB on 200k records)`,
  );
  console.log(`peak RSS of this process (worker included): ${peakRssMb().toFixed(0)} MB`);
  await env.stop();
}

await main();
