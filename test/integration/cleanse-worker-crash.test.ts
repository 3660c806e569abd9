import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema, type CleanseJobSpec } from '../../schemas/job-spec.ts';
import { PROFILE_SAMPLE_ROWS } from '../../activities/publish/profile-table.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';

const ROWS = 400_000;
const TASK_QUEUE = 'test-cleanse-crash';
let env: TestEnv;
const workers: ReturnType<typeof spawnWorker>[] = [];

beforeAll(async () => {
  env = await startTestEnv(TASK_QUEUE, { worker: false });
  await env.db.raw('DROP TABLE IF EXISTS raw.crash_people');
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS raw');
  // Every 97th row re-registers the person of 50 rows earlier, later: latest-wins dedup must retract
  // the earlier row, sometimes across a batch boundary. Every 31st mobile is invalid.
  await env.db.raw(`CREATE TABLE raw.crash_people AS
    SELECT g AS id,
      CASE WHEN g % 97 = 0 THEN 'P' || (g - 50) ELSE 'P' || g END AS person,
      CASE WHEN g % 31 = 0 THEN '12' || lpad(g::text, 9, '0') ELSE '+86 139' || lpad(g::text, 8, '0') END AS mobile,
      to_char(TIMESTAMP '2020-01-01' + g * INTERVAL '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS') AS updated_at
    FROM generate_series(1, ${ROWS}) g`);
  await env.db.raw('ALTER TABLE raw.crash_people ADD PRIMARY KEY (id)');
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await env.stop();
  await closeAllDbs();
});

function spec(target: string): CleanseJobSpec {
  return cleanseJobSpecSchema.parse({
    kind: 'cleanse',
    job: 'crash-cleanse',
    dataset: `crash-${target}`,
    department: 'test',
    today: '2026-11-01',
    source: { type: 'table', connection: 'centre', table: 'raw.crash_people' },
    key: ['id'],
    target: { table: `clean.${target}` },
    options: { batchRows: 20_000, heartbeatSeconds: 3 },
    rules: {
      columns: { mobile: { normalise: ['mobile'], validate: ['mobile.valid'] }, updated_at: { validate: ['timestamp.valid'] } },
      dedup: { key: ['person'], survivorship: 'latest', orderBy: 'updated_at' },
    },
  });
}

async function outcome(runId: string, table: string) {
  const published = (
    await env.db.raw(
      `SELECT count(*)::int AS n, md5(string_agg(id || ':' || person || ':' || coalesce(mobile, ''), ',' ORDER BY id)) AS digest FROM clean.${table}`,
    )
  ).rows[0];
  const quarantined = (
    await env.db.raw(
      `SELECT count(*)::int AS n, md5(string_agg(source_ref || ':' || rule_id, ',' ORDER BY source_ref, rule_id)) AS digest FROM dataops.quarantine WHERE run_id = ?`,
      [runId],
    )
  ).rows[0];
  const metrics = await env.db('dataops.step_metrics').where({ run_id: runId });
  return { published, quarantined, metrics: metrics.map((m) => [Number(m.records_in), Number(m.records_out), Number(m.records_rejected)]) };
}

describe('a worker killed mid-cleanse', () => {
  it('resumes on another worker and ends exactly like an uninterrupted run', async () => {
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: TASK_QUEUE };
    const first = spawnWorker('cleanse-worker-a', childEnv);
    workers.push(first);
    await waitForOutput(first, /worker ready/);

    const crashed = await startJob(env.client, env.config, spec('crash_people'), `cleanse:crash:${Date.now()}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: crashed.runId, step: 'cleanse' }).first();
      if (row && row.status !== 'staging') throw new Error('cleansing finished before the worker could be killed; make the table bigger');
      if (row && row.state.rows >= 40_000) {
        first.kill('SIGKILL');
        break;
      }
      if (Date.now() > deadline) throw new Error(`no batch committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const second = spawnWorker('cleanse-worker-b', childEnv);
    workers.push(second);
    const resumed = (await crashed.handle.result()) as CleanseResult;
    expect(resumed.stage.attempt).toBeGreaterThanOrEqual(2);
    expect(resumed.stage.resumedFromRow).toBeGreaterThanOrEqual(40_000);

    const reference = await startJob(env.client, env.config, spec('crash_people_reference'), `cleanse:crash-ref:${Date.now()}`);
    const uninterrupted = (await reference.handle.result()) as CleanseResult;
    second.kill('SIGTERM');

    const a = await outcome(crashed.runId, 'crash_people');
    const b = await outcome(reference.runId, 'crash_people_reference');
    expect(a).toEqual(b);
    const duplicates = Math.floor(ROWS / 97);
    expect(resumed.stage.rejected).toBe(uninterrupted.stage.rejected);
    expect(a.quarantined.n).toBeGreaterThanOrEqual(duplicates);
    expect(a.published.n + resumed.stage.rejected).toBe(ROWS);

    // A large cleansed table is profiled for the catalogue from a bounded sample, not read whole.
    const version = await env.db('dataops.catalogue_versions').where({ run_id: crashed.runId }).first();
    const profiles = await env.db('dataops.catalogue_columns').where({ resource_id: version.resource_id, version: version.version }).orderBy('ordinal');
    expect(profiles.map((p) => p.name)).toEqual(['id', 'person', 'mobile', 'updated_at']);
    for (const p of profiles) expect(Number(p.rows)).toBe(PROFILE_SAMPLE_ROWS);
    const mobile = profiles.find((p) => p.name === 'mobile');
    // Invalid mobiles were quarantined and the rest normalised: every served mobile is valid.
    expect(mobile.semantic_type).toBe('mobile');
    expect(Number(mobile.semantic_valid)).toBe(Number(mobile.semantic_checked));
  });
});
