/**
 * Benchmark (not a test): the nightly sync. A source table of N rows (default 10,000,000) of which 1%
 * changed since the last sync, synced incrementally into a merge target, against a full collect of the
 * same table, both through the real workflow in the same run. Reports both times, their ratio (target:
 * the sync takes at most 5% of the full collect) and peak RSS. The source has an index on
 * (updated_at, id), as a table synced by those columns should.
 *
 *   npm run bench:incremental -- [--rows 10000000] [--runs 3] [--changed 0.01]
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type pg from 'pg';
import type { loadConfig } from '../config/load-config.ts';
import { startBenchEnv } from './bench-env.ts';
import { startJob } from '../client/start-job.ts';
import { collectJobSpecSchema, type CollectJobSpec } from '../schemas/job-spec.ts';
import type { CollectResult } from '../schemas/collect-run.ts';
import { median, parseBenchArgs, peakRssMb } from './bench-utils.ts';

// --recent 1: the changed rows are the newest ids (clustered, as recent records tend to be); 0: spread
// evenly over the table, so every changed row sits on a page of its own (PostgreSQL's worst case).
const { rows: ROWS, runs: RUNS, changed: CHANGED, recent: RECENT } = parseBenchArgs({ rows: 10_000_000, runs: 3, changed: 0.01, recent: 0 });
const SOURCE = `public.bench_sync_${ROWS}`;
const SLICES = `public.bench_sync_${ROWS}_slices`;

async function createSource(db: pg.Client): Promise<void> {
  const exists = await db.query('SELECT to_regclass($1) AS t', [SOURCE]);
  if (exists.rows[0].t) return;
  console.log(`creating ${SOURCE} ...`);
  await db.query(`CREATE TABLE ${SOURCE} (id bigint PRIMARY KEY, name text, citizen_id text, mobile text, street text, address text,
    birth_date date, income numeric(12,2), status text, updated_at timestamptz NOT NULL)`);
  await db.query(`INSERT INTO ${SOURCE}
    SELECT g, '居民' || g, '310112' || lpad((g % 100000000)::text, 12, '0'), '139' || lpad((g % 100000000)::text, 8, '0'),
      (ARRAY['江川路街道','古美路街道','莘庄镇','七宝镇'])[1 + g % 4], '上海市闵行区某路' || (g % 999) || '号',
      DATE '1950-01-01' + (g % 25000), (g % 100000) / 10.0, 'active', TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * INTERVAL '1 millisecond'
    FROM generate_series(1, ${ROWS}) g`);
  await db.query(`CREATE INDEX ON ${SOURCE} (updated_at, id)`);
  await db.query(`CREATE TABLE ${SLICES} (slice integer PRIMARY KEY)`);
  await db.query(`VACUUM ANALYZE ${SOURCE}`);
}

/**
 * Rows changed once have newer cursors: the next initial sync (ordered by cursor) packs them together
 * at the end of the merge target, where a page whose rows all change at once cannot update them in
 * place. So each measured run changes a slice no earlier run of this source changed, spread over every
 * page as in a table that has not been synced before; the slices used are kept beside the source.
 */
async function freshSlice(db: pg.Client, every: number): Promise<number> {
  const free = await db.query(`SELECT s FROM generate_series(0, $1 - 1) s WHERE s NOT IN (SELECT slice FROM ${SLICES}) ORDER BY s LIMIT 1`, [every]);
  if (!free.rows.length) throw new Error(`every slice of ${SOURCE} has been changed once: DROP TABLE ${SOURCE}, ${SLICES} to start afresh`);
  await db.query(`INSERT INTO ${SLICES} VALUES ($1)`, [free.rows[0].s]);
  return free.rows[0].s;
}

/** Changes CHANGED of the rows (a slice never changed before), stamped a minute ago: older than the lag. */
async function changeRows(db: pg.Client, run: number): Promise<number> {
  const every = Math.round(1 / CHANGED);
  const count = Math.round(ROWS * CHANGED);
  const slice = RECENT ? 0 : await freshSlice(db, every);
  const result = RECENT
    ? await db.query(`UPDATE ${SOURCE} SET status = 'changed ' || $1, updated_at = clock_timestamp() - INTERVAL '1 minute' WHERE id > $2`, [run, ROWS - count])
    : await db.query(`UPDATE ${SOURCE} SET status = 'changed ' || $1, updated_at = clock_timestamp() - INTERVAL '1 minute' WHERE id % $2 = $3`, [
        run,
        every,
        slice,
      ]);
  await db.query(`VACUUM ANALYZE ${SOURCE}`);
  return result.rowCount ?? 0;
}

/**
 * Each measurement starts from a quiet server: the last full collect's 10M rows of WAL are checkpointed
 * first (else that checkpoint runs during the next sync), and the merge target is vacuumed as autovacuum
 * would between two nights.
 */
async function settle(db: pg.Client): Promise<void> {
  await db.query('VACUUM ANALYZE raw.bench_sync').catch(() => undefined);
  await db.query('CHECKPOINT');
}

async function timed(
  client: Client,
  config: ReturnType<typeof loadConfig>,
  spec: CollectJobSpec,
  id: string,
  db: pg.Client,
): Promise<{ ms: number; result: CollectResult; split: string }> {
  await settle(db);
  const t = performance.now();
  const { handle } = await startJob(client, config, spec, id);
  const result = (await handle.result()) as CollectResult;
  const ms = performance.now() - t;
  return { ms, result, split: activitySplit(await handle.fetchHistory(), ms) };
}

/** Where a run's time went: each activity from scheduled to completed, and the rest (workflow tasks, start, result). */
function activitySplit(history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>, totalMs: number): string {
  const millis = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(time?.seconds ?? 0) * 1000 + (time?.nanos ?? 0) / 1e6;
  const scheduled = new Map<string, { name: string; at: number }>();
  const parts: string[] = [];
  let inActivities = 0;
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(event.eventId), { name: s.activityType?.name ?? '?', at: millis(event.eventTime) });
    const c = event.activityTaskCompletedEventAttributes;
    const from = c && scheduled.get(String(c.scheduledEventId));
    if (from) {
      const ms = millis(event.eventTime) - from.at;
      inActivities += ms;
      parts.push(`${from.name} ${ms.toFixed(0)}`);
    }
  }
  return `${parts.join(' · ')} · rest ${(totalMs - inActivities).toFixed(0)} ms`;
}

async function main() {
  const env = await startBenchEnv('bench-incremental');
  const { config, client, db } = env;
  await createSource(db);
  const common = { kind: 'collect', department: 'bench', options: { batchRows: 100_000 } };
  const full = collectJobSpecSchema.parse({
    ...common,
    job: 'bench-full',
    dataset: 'bench-sync-full',
    source: { type: 'table', connection: 'centre', table: SOURCE },
    target: { table: 'raw.bench_sync_full' },
  });
  const sync = collectJobSpecSchema.parse({
    ...common,
    job: 'bench-sync',
    dataset: 'bench-sync',
    source: { type: 'table', connection: 'centre', table: SOURCE, incremental: { cursor: 'updated_at', key: 'id', lag: '30s' } },
    target: { table: 'raw.bench_sync', mode: 'merge' },
  });
  await db.query("DELETE FROM dataops.watermarks WHERE dataset = 'bench-sync'");
  await db.query('DROP TABLE IF EXISTS raw.bench_sync');
  const initial = await timed(client, config, sync, `bench-sync-initial-${Date.now()}`, db);
  console.log(`initial sync (the whole table into the merge target): ${(initial.ms / 1000).toFixed(1)} s, ${initial.result.stage.rows.toLocaleString()} rows`);
  const fulls: number[] = [];
  const syncs: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const changed = await changeRows(db, run);
    const s = await timed(client, config, sync, `bench-sync-${run}-${Date.now()}`, db);
    if (s.result.stage.rows !== changed) throw new Error(`the sync read ${s.result.stage.rows} rows, ${changed} changed`);
    const f = await timed(client, config, full, `bench-full-${run}-${Date.now()}`, db);
    syncs.push(s.ms);
    fulls.push(f.ms);
    console.log(
      `run ${run}: incremental sync of ${changed.toLocaleString()} changed rows ${(s.ms / 1000).toFixed(2)} s · full collect of ${f.result.stage.rows.toLocaleString()} rows ${(f.ms / 1000).toFixed(2)} s · ratio ${(s.ms / f.ms).toFixed(3)}`,
    );
    console.log(`  sync: ${s.split}\n  full: ${f.split}`);
  }
  const ms = median(syncs);
  const mf = median(fulls);
  console.log(
    `\n${ROWS.toLocaleString()} rows, ${(CHANGED * 100).toFixed(1)}% changed (${RECENT ? 'the newest rows' : 'spread over every page'}), median of ${RUNS}: incremental sync ${(ms / 1000).toFixed(2)} s · full collect ${(mf / 1000).toFixed(2)} s · ratio ${(ms / mf).toFixed(3)} (target <= 0.05)`,
  );
  console.log(`peak RSS of this process (worker included): ${peakRssMb().toFixed(0)} MB`);
  await env.stop();
}

await main();
