/**
 * Benchmark (not a test): a table collection of N rows (default 10,000,000) × 10 columns through the
 * real collect workflow, unsplit (parallelism 1) against split into two key ranges (parallelism 2),
 * the ranges staged by one worker process and by two. Workers run as child processes, so each
 * configuration's peak RSS is its own. Reports wall time and rows/s (median of --runs), the ratio, and
 * per run the CPU seconds of the workers and of PostgreSQL, the load average (other work on the machine
 * skews wall times) and each activity's time.
 *
 *   npm run bench:collect-parallel -- [--rows 10000000] [--runs 3]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type pg from 'pg';
import type { WorkflowHandle } from '@temporalio/client';
import { startJob } from '../client/start-job.ts';
import { collectJobSpecSchema } from '../schemas/job-spec.ts';
import type { CollectResult } from '../schemas/collect-run.ts';
import { spawnWorker, waitForOutput } from '../test/support/child-worker.ts';
import { BENCH_DATABASE_URL, startBenchEnv } from './bench-env.ts';
import { cpuSeconds, cpuSpent, median, parseBenchArgs } from './bench-utils.ts';

const { rows: ROWS, runs: RUNS } = parseBenchArgs({ rows: 10_000_000, runs: 3 });
const SOURCE = `public.bench_par_${ROWS}`;
/** The queues the child workers poll (the bench environment's own in-process worker stays idle). */
const QUEUE = 'bench-collect-parallel-workers';

async function createSource(db: pg.Client): Promise<void> {
  if ((await db.query('SELECT to_regclass($1) AS t', [SOURCE])).rows[0].t) return;
  console.log(`creating ${SOURCE} ...`);
  await db.query(`CREATE TABLE ${SOURCE} (id bigint PRIMARY KEY, name text, citizen_id text, mobile text, street text, address text,
    birth_date date, income numeric(12,2), status text, updated_at timestamptz NOT NULL)`);
  await db.query(`INSERT INTO ${SOURCE}
    SELECT g, '居民' || g, '310112' || lpad((g % 100000000)::text, 12, '0'), '139' || lpad((g % 100000000)::text, 8, '0'),
      (ARRAY['江川路街道','古美路街道','莘庄镇','七宝镇'])[1 + g % 4], '上海市闵行区某路' || (g % 999) || '号',
      DATE '1950-01-01' + (g % 25000), (g % 100000) / 10.0, 'active', TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * INTERVAL '1 millisecond'
    FROM generate_series(1, ${ROWS}) g`);
  await db.query(`VACUUM ANALYZE ${SOURCE}`);
}

/** CPU seconds (user + system) a live process has used so far. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set of a live process (VmHWM), in MB. */
function peakRssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(line?.match(/\d+/)?.[0] ?? 0) / 1024;
}

/** Each activity's time from start to completion, from the run's history (where a split run's time goes). */
async function activityTimes(handle: WorkflowHandle): Promise<string> {
  const events = (await handle.fetchHistory()).events ?? [];
  const at = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) + (e.eventTime?.nanos ?? 0) / 1e9;
  const names = new Map<string, string>();
  const started = new Map<string, number>();
  const spans: string[] = [];
  for (const e of events) {
    const id = String(e.eventId);
    if (e.activityTaskScheduledEventAttributes) names.set(id, e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), at(e));
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const name = names.get(String(done.scheduledEventId)) ?? '?';
      if (/^(stage|plan|combine|publish)/.test(name)) spans.push(`${name} ${(at(e) - started.get(String(done.scheduledEventId))!).toFixed(2)} s`);
    }
  }
  return spans.join(', ');
}

interface Outcome {
  label: string;
  rowsPerSecond: number;
  seconds: number;
  peakRssMb: number;
}

async function main() {
  const env = await startBenchEnv('bench-collect-parallel');
  const { client, db } = env;
  await createSource(db);
  // Each configuration has its own queue and worker processes, all started up front, and the runs take
  // turns (1, 2, 2, 1, 2, 2, ...), so load from other work on the machine falls on all of them alike.
  const setups = [
    { parallelism: 1, workers: 1 },
    { parallelism: 2, workers: 1 },
    { parallelism: 2, workers: 2 },
  ].map(({ parallelism, workers }, i) => {
    const queue = `${QUEUE}-${i}`;
    const childEnv = { DATABASE_URL: BENCH_DATABASE_URL, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: queue };
    return {
      label: `parallelism ${parallelism}, ${workers} worker${workers > 1 ? 's' : ''}`,
      parallelism,
      config: { ...env.config, temporal: { ...env.config.temporal, taskQueue: queue } },
      children: Array.from({ length: workers }, (_, w) => spawnWorker(`bench-worker-${i}-${w + 1}`, childEnv)),
      spec: collectJobSpecSchema.parse({
        kind: 'collect',
        job: 'bench-collect-parallel',
        dataset: `bench-par-${i}`,
        department: 'bench',
        source: { type: 'table', connection: 'centre', table: SOURCE, parallelism },
        target: { table: `raw.bench_par_${i}` },
        options: { batchRows: Number(process.env.BENCH_BATCH_ROWS ?? 100_000) },
      }),
      times: [] as number[],
    };
  });
  for (const setup of setups) for (const child of setup.children) await waitForOutput(child, /worker ready/);
  for (let run = 1; run <= RUNS; run++) {
    for (const { label, config, children, spec, times } of setups) {
      const cpu = cpuSeconds();
      const workerCpu = children.reduce((n, c) => n + cpuOf(c.pid!), 0);
      const t0 = performance.now();
      const { handle } = await startJob(client, config, spec, `bench-collect-parallel-${spec.dataset}-${Date.now()}`);
      const result = (await handle.result()) as CollectResult;
      const seconds = (performance.now() - t0) / 1000;
      if (result.publish.rows !== ROWS) throw new Error(`collected ${result.publish.rows} rows, expected ${ROWS}`);
      times.push(seconds);
      const workersCpu = (children.reduce((n, c) => n + cpuOf(c.pid!), 0) - workerCpu).toFixed(1);
      console.log(
        `run ${run}, ${label}: ${seconds.toFixed(2)} s, ${Math.round(ROWS / seconds).toLocaleString()} rows/s ` +
          `(${cpuSpent(cpu, cpuSeconds())}, workers ${workersCpu} s; load ${loadavg()[0]!.toFixed(1)}; ${await activityTimes(handle)})`,
      );
    }
  }
  const outcomes: Outcome[] = [];
  for (const { label, children, times } of setups) {
    const peakRssMb = Math.max(...children.map((c) => peakRssOf(c.pid!)));
    for (const child of children) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    outcomes.push({ label, seconds: median(times), rowsPerSecond: ROWS / median(times), peakRssMb });
  }
  const base = outcomes[0]!;
  console.log(`\n${ROWS.toLocaleString()} rows × 10 columns, median of ${RUNS} runs:`);
  for (const o of outcomes) {
    console.log(
      `  ${o.label.padEnd(30)} ${o.seconds.toFixed(2).padStart(7)} s  ${Math.round(o.rowsPerSecond).toLocaleString().padStart(10)} rows/s  ` +
        `ratio ${(o.rowsPerSecond / base.rowsPerSecond).toFixed(2)}  peak RSS per worker ${o.peakRssMb.toFixed(0)} MB`,
    );
  }
  await env.stop();
}

await main();
