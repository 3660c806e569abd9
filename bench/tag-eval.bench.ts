// Tag evaluation against a plain scan of the same rows, in the same run: N entities read through the
// tag job's own entity query (key order, computed age) with COPY, (a) only parsed, (b) parsed and run
// through five tags (four CEL rules, one 10,000-entry list), and (c) the tags alone on rows already in
// memory. Median of 3 of each. With --workflow 1, also the whole tag workflow twice (every tag added,
// then a re-run that changes nothing), staging and applying timed apart.
// Run with: npm run bench:tag [-- --rows 1000000 --workflow 1]
import pg from 'pg';
import { ensureDatabase } from '../db/ensure-database.ts';
import { entityQuery, ENTITY_ID } from '../activities/tag/entity-query.ts';
import { VALUE_TEXT_SETTINGS } from '../activities/staging/open-source.ts';
import { openPgReader } from '../connectors/postgres/table-reader.ts';
import type { Field } from '../connectors/source-chunk.ts';
import { TagSet, type TagCounts } from '../governance/tags/tag-set.ts';
import { jobSpecSchema, type TagJobSpec } from '../schemas/job-spec.ts';
import { median, parseBenchArgs, peakRssMb } from './bench-utils.ts';

const { rows: ROWS, workflow: WORKFLOW } = parseBenchArgs({ rows: 1_000_000, workflow: 0 });
const RUNS = 3;
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dataops_bench_tag';
const TABLE = `public.bench_tag_people_${ROWS}`;

const spec = jobSpecSchema.parse({
  kind: 'tag',
  job: 'bench-tag',
  dataset: 'bench',
  department: 'bench',
  entities: { table: TABLE, key: 'entity_id', type: 'resident' },
  computed: { age: { fn: 'age_years', column: 'birth_date' } },
  asOf: '2026-11-01',
  tags: {
    elderly: { rule: 'age >= 60' },
    'elderly-alone': { rule: 'age >= 60 && household_size == 1' },
    'shell-company': { rule: 'registered_capital > 1e7 && tax_paid < 1e4' },
    'gumei-women': { rule: 'street == "古美路街道" && gender == "女" && age >= 18' },
    listed: { list: { path: '/dev/null', match: 'citizen_id', normalise: 'citizen_id' } },
  },
}) as TagJobSpec;

async function ensureTable(db: pg.Client): Promise<void> {
  const exists = await db.query('SELECT to_regclass($1) AS oid', [TABLE]);
  if (exists.rows[0].oid) return;
  console.log(`creating ${TABLE} ...`);
  await db.query(`CREATE TABLE ${TABLE} AS SELECT 'E' || lpad(g::text, 9, '0') AS entity_id,
      '310112' || to_char(DATE '1930-01-01' + (g::bigint * 7919 % 29000)::int, 'YYYYMMDD') || lpad((g % 1000)::text, 3, '0') || (g % 10)::text AS citizen_id,
      DATE '1930-01-01' + (g::bigint * 7919 % 29000)::int AS birth_date,
      CASE WHEN g % 2 = 0 THEN '女' ELSE '男' END AS gender,
      (ARRAY['古美路街道', '莘庄镇', '七宝镇', '颛桥镇', '江川路街道'])[1 + g % 5] AS street,
      1 + g % 5 AS household_size,
      (g::bigint * 104729 % 50000000)::numeric(14, 2) AS registered_capital,
      (g::bigint * 15485863 % 100000)::numeric(12, 2) AS tax_paid
    FROM generate_series(1, ${ROWS}) g`);
  await db.query(`ALTER TABLE ${TABLE} ADD PRIMARY KEY (entity_id)`);
  await db.query(`VACUUM ANALYZE ${TABLE}`);
}

async function scan(db: pg.Client, onRows: (rows: Field[][]) => void): Promise<number> {
  const query = await entityQuery(db, spec, spec.asOf!);
  const reader = await openPgReader(db, { type: 'query', connection: 'centre', sql: query.sql, key: ENTITY_ID, columnNames: 'keep' }, 'centre');
  const started = performance.now();
  let n = 0;
  for await (const chunk of reader.chunks()) {
    onRows(chunk.rows);
    n += chunk.rows.length;
  }
  await reader.close();
  if (n !== ROWS) throw new Error(`read ${n} rows, expected ${ROWS}`);
  return ROWS / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  await db.query(`SET jit = off; ${VALUE_TEXT_SETTINGS}`);
  await ensureTable(db);
  const query = await entityQuery(db, spec, spec.asOf!);
  const listed = new Set<string>();
  // Every 100th entity's citizen ID, computed as the table's generator does.
  for (let g = 100; g <= 1_000_000; g += 100) {
    const birth = new Date(Date.UTC(1930, 0, 1) + ((g * 7919) % 29000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    listed.add(`310112${birth}${String(g % 1000).padStart(3, '0')}${g % 10}`);
  }
  const tags = new TagSet(
    query.fields,
    query.columns,
    [...Object.entries(spec.tags)].flatMap(([name, t]) => (t.rule ? [{ name, rule: t.rule }] : [])),
    [{ name: 'listed', match: 'citizen_id', normalise: 'citizen_id', entries: listed }],
    query.definitions,
  );

  const plain: number[] = [];
  const tagged: number[] = [];
  const alone: number[] = [];
  let matched: Record<string, TagCounts> = {};
  let sink = 0;
  for (let run = 0; run < RUNS; run++) {
    plain.push(
      await scan(db, (rows) => {
        for (const row of rows) sink += row.length;
      }),
    );
    const counts: Record<string, TagCounts> = {};
    const pool: Field[][] = [];
    tagged.push(
      await scan(db, (rows) => {
        for (const row of rows) {
          sink += tags.evaluate(row, counts).length;
          if (pool.length < 200_000) pool.push(row);
        }
      }),
    );
    matched = counts;
    const evalCounts: Record<string, TagCounts> = {};
    const started = performance.now();
    for (let i = 0; i < ROWS; i++) sink += tags.evaluate(pool[i % pool.length]!, evalCounts).length;
    alone.push(ROWS / ((performance.now() - started) / 1000));
  }
  await db.end();
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`${ROWS.toLocaleString('en-US')} entities, 5 tags (4 CEL rules, 1 list of 10,000), median of ${RUNS}`);
  console.log(`  plain scan (COPY + parse):        ${fmt(median(plain))} rows/s   runs ${plain.map(fmt).join(', ')}`);
  console.log(`  scan + tag evaluation:            ${fmt(median(tagged))} rows/s   runs ${tagged.map(fmt).join(', ')}`);
  console.log(`  tag evaluation alone (in memory): ${fmt(median(alone))} rows/s   runs ${alone.map(fmt).join(', ')}`);
  console.log(`  tagging costs ${(median(plain) / median(tagged)).toFixed(2)}x the plain scan's time`);
  console.log(
    `  matches: ${Object.entries(matched)
      .map(([t, c]) => `${t} ${c.matched}`)
      .join(', ')} (sink ${sink % 10})`,
  );
  console.log(`  peak RSS ${Math.round(peakRssMb())} MB`);
  if (WORKFLOW) await workflowRuns();
}

/** The real workflow (dev server, worker in this process) over the same table: a first run and an unchanged re-run. */
async function workflowRuns(): Promise<void> {
  process.env.BENCH_DATABASE_URL = DATABASE_URL;
  const { startBenchEnv } = await import('./bench-env.ts');
  const { startJob } = await import('../client/start-job.ts');
  const env = await startBenchEnv('bench-tag');
  try {
    const job = `bench-tag-${Date.now()}`;
    for (const label of ['first run (all added)', 're-run (nothing changed)']) {
      const runSpec = { ...spec, job, tags: { ...spec.tags, listed: { list: { path: '/dev/null', match: 'citizen_id', normalise: 'citizen_id' as const } } } };
      const started = performance.now();
      const { handle, runId } = await startJob(env.client, env.config, runSpec, `tag:bench:${Date.now()}`);
      const result = (await handle.result()) as { apply: { tags: { added: number; current: number }[] } };
      const seconds = (performance.now() - started) / 1000;
      const steps = await env.db.query<{ s: number }>(
        "SELECT extract(epoch FROM (SELECT updated_at FROM dataops.checkpoints WHERE run_id = $1 AND step = 'tag') - started_at)::float AS s FROM dataops.runs WHERE run_id = $1",
        [runId],
      );
      const added = result.apply.tags.reduce((n, t) => n + t.added, 0);
      const current = result.apply.tags.reduce((n, t) => n + t.current, 0);
      console.log(
        `  workflow ${label}: ${seconds.toFixed(1)} s, ${Math.round(ROWS / seconds).toLocaleString('en-US')} entities/s; ${added.toLocaleString('en-US')} periods opened, ${current.toLocaleString('en-US')} current; staged+applied by ${Number(steps.rows[0]?.s ?? 0).toFixed(1)} s after the run started`,
      );
    }
  } finally {
    await env.stop();
  }
  console.log(`  peak RSS ${Math.round(peakRssMb())} MB (with the worker)`);
}

await main();
