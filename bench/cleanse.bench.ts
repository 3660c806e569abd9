/**
 * Benchmark (not a test): cleanse a 10-column PostgreSQL table into another through the real cleanse
 * workflow (about ten rules, quarantine on, dedup off) and compare with a plain pass-through in the
 * same process: `COPY (SELECT ...) TO STDOUT` streamed straight into `COPY ... FROM STDIN`.
 *
 *   npx tsx bench/cleanse.bench.ts [--rows 1000000] [--runs 3]
 */
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { startJob } from '../client/start-job.ts';
import { cleanseJobSpecSchema } from '../schemas/job-spec.ts';
import type { CleanseResult } from '../schemas/cleanse-run.ts';
import { MINHANG_STREET_NAMES } from '../samples/generator/minhang.ts';
import { BENCH_DATABASE_URL, startBenchEnv } from './bench-env.ts';
import { cpuSeconds, cpuSpent, median, parseBenchArgs, peakRssMb } from './bench-utils.ts';

const { rows: ROWS, runs: RUNS } = parseBenchArgs({ rows: 1_000_000, runs: 3 });
const DATABASE_URL = BENCH_DATABASE_URL;
const STREETS = MINHANG_STREET_NAMES;

async function createSource(db: pg.Client): Promise<void> {
  const exists = await db.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'bench_people_${ROWS}'`);
  if (exists.rows[0].n) return;
  console.log(`creating public.bench_people_${ROWS} ...`);
  await db.query(`CREATE TABLE public.bench_people_${ROWS} (
    id bigint PRIMARY KEY, name text, citizen_id text, mobile text, street text, address text, birth_date text, income text, registered_at text, note text)`);
  // About 2% each of formatted mobiles, invalid mobiles, street aliases and non-ISO dates; citizen IDs valid.
  await db.query(`INSERT INTO public.bench_people_${ROWS}
    SELECT g, '居民' || g,
      '310112' || to_char(DATE '1950-01-01' + (g % 25000), 'YYYYMMDD') || lpad((g % 1000)::text, 3, '0') || 'C',
      CASE WHEN g % 50 = 0 THEN '+86 139-' || lpad((g % 10000)::text, 4, '0') || '-0000' WHEN g % 51 = 0 THEN '12' || lpad(g::text, 9, '0') ELSE '139' || lpad((g % 100000000)::text, 8, '0') END,
      CASE WHEN g % 53 = 0 THEN regexp_replace((ARRAY[${STREETS.map((s) => `'${s}'`).join(',')}])[1 + g % 13], '(路街道|街道|镇)$', '') ELSE (ARRAY[${STREETS.map((s) => `'${s}'`).join(',')}])[1 + g % 13] END,
      '上海市闵行区某路' || (g % 999) || '号',
      CASE WHEN g % 47 = 0 THEN to_char(DATE '1950-01-01' + (g % 25000), 'YYYY年FMMM月FMDD日') ELSE to_char(DATE '1950-01-01' + (g % 25000), 'YYYY-MM-DD') END,
      ((g % 100000) / 10.0)::text, to_char(TIMESTAMPTZ '2020-01-01 00:00:00+08' + g * INTERVAL '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"+08:00"'),
      CASE WHEN g % 20 = 0 THEN NULL ELSE 'note ' || g END
    FROM generate_series(1, ${ROWS}) g`);
  // The check character of each citizen ID, computed in SQL (GB 11643).
  await db.query(`UPDATE public.bench_people_${ROWS} SET citizen_id = left(citizen_id, 17) || substr('10X98765432', 1 + (
    (substr(citizen_id,1,1)::int*7 + substr(citizen_id,2,1)::int*9 + substr(citizen_id,3,1)::int*10 + substr(citizen_id,4,1)::int*5 +
     substr(citizen_id,5,1)::int*8 + substr(citizen_id,6,1)::int*4 + substr(citizen_id,7,1)::int*2 + substr(citizen_id,8,1)::int*1 +
     substr(citizen_id,9,1)::int*6 + substr(citizen_id,10,1)::int*3 + substr(citizen_id,11,1)::int*7 + substr(citizen_id,12,1)::int*9 +
     substr(citizen_id,13,1)::int*10 + substr(citizen_id,14,1)::int*5 + substr(citizen_id,15,1)::int*8 + substr(citizen_id,16,1)::int*4 +
     substr(citizen_id,17,1)::int*2) % 11), 1)`);
  await db.query(`VACUUM ANALYZE public.bench_people_${ROWS}`);
}

async function passThrough(): Promise<number> {
  const source = new pg.Client({ connectionString: DATABASE_URL });
  const target = new pg.Client({ connectionString: DATABASE_URL });
  await source.connect();
  await target.connect();
  await target.query('DROP TABLE IF EXISTS public.bench_pass');
  await target.query(`CREATE TABLE public.bench_pass (LIKE public.bench_people_${ROWS})`);
  const t = performance.now();
  await pipeline(
    source.query(copyTo(`COPY (SELECT * FROM public.bench_people_${ROWS} ORDER BY id) TO STDOUT`)),
    target.query(copyFrom('COPY public.bench_pass FROM STDIN')),
  );
  const ms = performance.now() - t;
  await source.end();
  await target.end();
  return ROWS / (ms / 1000);
}

async function main() {
  const env = await startBenchEnv('bench-cleanse');
  const { config, client, db } = env;
  await createSource(db);
  const spec = cleanseJobSpecSchema.parse({
    kind: 'cleanse',
    job: 'bench-cleanse',
    dataset: 'bench-cleanse',
    department: 'bench',
    today: '2026-11-01',
    source: { type: 'table', connection: 'centre', table: `public.bench_people_${ROWS}` },
    key: ['id'],
    target: { table: 'clean.bench_people' },
    options: { batchRows: 100_000 },
    references: {},
    rules: {
      columns: {
        id: { validate: ['value.required'] },
        name: { normalise: ['remove_spaces'], validate: ['value.required'] },
        citizen_id: { normalise: ['citizen_id'], validate: ['citizen_id.valid'] },
        mobile: { normalise: ['null_tokens', 'mobile'], validate: ['mobile.valid'] },
        street: {
          normalise: [{ rule: 'value_map', params: { map: Object.fromEntries(STREETS.map((s) => [s.replace(/(?:路街道|街道|镇)$/, ''), s])) } }],
          validate: [{ rule: 'value.code_table', params: { values: STREETS } }],
        },
        birth_date: { normalise: ['date'], validate: ['date.valid'] },
        registered_at: { validate: ['timestamp.valid'] },
      },
    },
  });
  const ours: number[] = [];
  const baseline: number[] = [];
  let last: CleanseResult | undefined;
  for (let run = 1; run <= RUNS; run++) {
    const c0 = cpuSeconds();
    const t0 = performance.now();
    const { handle } = await startJob(client, config, spec, `bench-cleanse-${Date.now()}`);
    last = (await handle.result()) as CleanseResult;
    const ms = performance.now() - t0;
    const c1 = cpuSeconds();
    ours.push(ROWS / (ms / 1000));
    baseline.push(await passThrough());
    const c2 = cpuSeconds();
    console.log(
      `run ${run}: cleanse ${Math.round(ours.at(-1)!).toLocaleString()} rows/s (${(ms / 1000).toFixed(2)} s; ${cpuSpent(c0, c1)}) · pass-through ${Math.round(baseline.at(-1)!).toLocaleString()} rows/s (${cpuSpent(c1, c2)})`,
    );
  }
  console.log(`last run: ${last!.stage.clean} clean, ${last!.stage.flagged} flagged, ${last!.stage.rejected} quarantined, ${last!.stage.fixes} fixes`);
  const o = median(ours);
  const b = median(baseline);
  console.log(
    `\n${ROWS.toLocaleString()} rows, median of ${RUNS}: cleanse ${Math.round(o).toLocaleString()} rows/s · pass-through ${Math.round(b).toLocaleString()} rows/s · ratio ${(o / b).toFixed(2)} (targets >= 300,000 rows/s and >= 0.60)`,
  );
  console.log(`peak RSS of this process (worker included): ${peakRssMb().toFixed(0)} MB (target < 512 MB)`);
  await db.query('DROP TABLE IF EXISTS public.bench_pass');
  await env.stop();
}

await main();
