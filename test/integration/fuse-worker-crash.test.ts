import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { TEST_DATABASE_URL } from '../support/urls.ts';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type FuseJobSpec } from '../../schemas/job-spec.ts';
import { loadFusionSources } from '../../samples/generator/fusion-pg.ts';
import { fusionJobSpec } from '../../samples/generator/fusion-job.ts';
import type { FuseResult } from '../../workflows/fuse.ts';
import { closeAllDbs } from '../../db/knex.ts';

// Workers SIGKILLed while a fusion run stages its sources and again while it matches: the run resumes
// on the next worker and ends with exactly the entities, ids, golden records and links of a run nobody
// interrupted.
const SCHEMA = 'fusion_crash_src';
const TASK_QUEUE = 'test-fuse-crash';
let env: TestEnv;
let pool: pg.Pool;
const workers: ReturnType<typeof spawnWorker>[] = [];

function spec(job: string): FuseJobSpec {
  return jobSpecSchema.parse({
    ...fusionJobSpec({ schema: SCHEMA, target: `fused_crash.${job.replaceAll('-', '_')}`, job }),
    options: { batchRows: 2_000, heartbeatSeconds: 3 },
  }) as FuseJobSpec;
}

async function outcome(job: string) {
  const table = `fused_crash.${job.replaceAll('-', '_')}`;
  const q = async (sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows[0];
  return {
    members: await q(
      `SELECT count(*)::int AS n, md5(string_agg(source || ':' || record_id || '=' || entity_id, ',' ORDER BY source, record_id)) AS d FROM dataops.fusion_members WHERE job = $1`,
      [job],
    ),
    golden: await q(`SELECT count(*)::int AS n, md5(string_agg(entity_id || ':' || digest, ',' ORDER BY entity_id)) AS d FROM ${table}`),
    history: await q(`SELECT count(*)::int AS n FROM ${table}_history`),
    links: await q(
      `SELECT count(*)::int AS n, md5(string_agg(left_ref || right_ref || score, ',' ORDER BY left_ref, right_ref)) AS d FROM dataops.fusion_links WHERE job = $1`,
      [job],
    ),
    events: await q(`SELECT count(*)::int AS n FROM dataops.fusion_events WHERE job = $1`, [job]),
  };
}

beforeAll(async () => {
  env = await startTestEnv(TASK_QUEUE, { worker: false });
  pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 8 });
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await pool.query('DROP SCHEMA IF EXISTS fused_crash CASCADE');
  await loadFusionSources(pool, { population: 30_000, seed: 7, schema: SCHEMA });
}, 120_000);

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await pool?.end();
  await env?.stop();
  await closeAllDbs();
});

async function waitFor(what: string, worker: ReturnType<typeof spawnWorker>, test: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time:\n${worker.output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('workers killed mid-fusion', () => {
  it('resume on other workers and end exactly like an uninterrupted run', async () => {
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: TASK_QUEUE };
    const a = spawnWorker('fuse-worker-a', childEnv);
    workers.push(a);
    await waitForOutput(a, /worker ready/);
    const crashed = await startJob(env.client, env.config, spec('crash-fuse'), `fuse:crash:${Date.now()}`);
    // While staging: once a source has committed a few batches.
    await waitFor('a committed staging batch', a, async () => {
      const { rows } = await pool.query(
        `SELECT max((state->>'rows')::int) AS rows, bool_or(status <> 'staging') AS done FROM dataops.checkpoints WHERE run_id = $1 AND step LIKE 'fuse\\_%'`,
        [crashed.runId],
      );
      if (rows[0].done) throw new Error('a source finished staging before the worker could be killed; load more records');
      return (rows[0].rows ?? 0) >= 6_000;
    });
    a.kill('SIGKILL');
    const b = spawnWorker('fuse-worker-b', childEnv);
    workers.push(b);
    // While matching: every source staged, the match not yet committed.
    await waitFor('every source staged', b, async () => {
      const { rows } = await pool.query(
        `SELECT count(*) FILTER (WHERE status = 'staged' AND step <> 'fuse_match')::int AS staged FROM dataops.checkpoints WHERE run_id = $1`,
        [crashed.runId],
      );
      return rows[0].staged === 3;
    });
    const matched = await pool.query(`SELECT count(*)::int AS n FROM dataops.checkpoints WHERE run_id = $1 AND step = 'fuse_match'`, [crashed.runId]);
    b.kill('SIGKILL');
    const c = spawnWorker('fuse-worker-c', childEnv);
    workers.push(c);
    const resumed = (await crashed.handle.result()) as FuseResult;

    const reference = await startJob(env.client, env.config, spec('reference-fuse'), `fuse:crash-ref:${Date.now()}`);
    const uninterrupted = (await reference.handle.result()) as FuseResult;
    c.kill('SIGTERM');

    expect(resumed.match.entities).toBe(uninterrupted.match.entities);
    const got = await outcome('crash-fuse');
    const want = await outcome('reference-fuse');
    expect(got.members).toEqual(want.members);
    expect(got.golden).toEqual(want.golden);
    expect(got.links).toEqual(want.links);
    expect(got.history.n).toBe(got.golden.n);
    expect(got.events.n).toBe(want.events.n);
    expect(got.members.n).toBe(resumed.match.records);
    // Killed before the match committed (it publishes in the same transaction).
    expect(matched.rows[0].n).toBe(0);
    // Each source's staging table is gone once published.
    const staging = await pool.query(`SELECT state->>'stagingTable' AS t FROM dataops.checkpoints WHERE run_id = $1 AND state ? 'stagingTable'`, [
      crashed.runId,
    ]);
    const tables = staging.rows.map((r) => r.t as string);
    expect(tables.length).toBe(3);
    for (const t of tables) expect((await pool.query('SELECT to_regclass($1) AS r', [t])).rows[0].r).toBeNull();
  }, 300_000);
});
