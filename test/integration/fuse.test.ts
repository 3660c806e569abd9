import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { TEST_DATABASE_URL } from '../support/urls.ts';
import { startJob } from '../../client/start-job.ts';
import { jobSpecSchema, type FuseJobSpec } from '../../schemas/job-spec.ts';
import { applyFusionChanges, loadFusionSources } from '../../samples/generator/fusion-pg.ts';
import { fusionJobSpec } from '../../samples/generator/fusion-job.ts';
import { pairwiseScores } from '../../samples/generator/linkage-truth.ts';
import type { FuseResult } from '../../workflows/fuse.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { runCliAsync } from '../support/cli.ts';
import { MockActivityEnvironment } from '@temporalio/testing';
import { stageFuseSource, type FuseSourceSummary } from '../../activities/fuse/stage-fuse-source.ts';
import { matchFusion, type MatchFusionOutcome } from '../../activities/fuse/match-fusion.ts';

// Three department registers of one population (民政 with Chinese headers, 社保, 卫健), generated with
// typos, missing and wrong IDs, transposed mobiles, address variants, mixed date formats, twins,
// namesakes and movers, fused on the real worker and PostgreSQL; the generator's truth scores the result.
const SCHEMA = 'fusion_src';
const TARGET = 'fused.residents';
const OPTS = { population: 3000, seed: 20261203 };

let env: TestEnv;
let pool: pg.Pool;
let counter = 0;

async function runFuse(spec: FuseJobSpec): Promise<FuseResult> {
  const { handle } = await startJob(env.client, env.config, spec, `fuse:${spec.job}:${Date.now()}-${counter++}`);
  return (await handle.result()) as FuseResult;
}

async function predicted(): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ ref: string; entity_id: string }>(
    `SELECT source || ':' || record_id AS ref, entity_id FROM dataops.fusion_members WHERE job = 'fuse-residents'`,
  );
  return new Map(rows.map((r) => [r.ref, r.entity_id]));
}

async function truth(): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ ref: string; person_key: string }>(`SELECT source || ':' || record_id AS ref, person_key FROM ${SCHEMA}.fusion_truth`);
  return new Map(rows.map((r) => [r.ref, r.person_key]));
}

const spec = jobSpecSchema.parse(fusionJobSpec({ schema: SCHEMA, target: TARGET })) as FuseJobSpec;

/** A run of `job` registered and its sources staged by attempt 1, for driving the match activity directly. */
async function stagedRun(name: string): Promise<{ runId: string; spec: FuseJobSpec; staged: FuseSourceSummary[] }> {
  const spec = jobSpecSchema.parse({ ...fusionJobSpec({ schema: SCHEMA, target: `fused.${name}`, job: `fuse-${name}` }) }) as FuseJobSpec;
  const runId = `fuse:${name}:${Date.now()}`;
  await pool.query(`INSERT INTO dataops.runs (run_id, job, kind, dataset, department, workflow_id, spec) VALUES ($1, $2, 'fuse', $3, 'test', $1, '{}')`, [
    runId,
    spec.job,
    name,
  ]);
  const activities = new MockActivityEnvironment({ attempt: 1 }, { client: env.client });
  const staged: FuseSourceSummary[] = [];
  for (let i = 0; i < spec.sources.length; i++) staged.push(await activities.run(stageFuseSource, { runId, spec, source: i }));
  return { runId, spec, staged };
}

beforeAll(async () => {
  env = await startTestEnv('fuse-test');
  pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 8 });
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; DROP SCHEMA IF EXISTS fused CASCADE`);
  await pool.query(
    `DELETE FROM dataops.fusion_jobs; DELETE FROM dataops.fusion_members; DELETE FROM dataops.fusion_links; DELETE FROM dataops.fusion_events; DELETE FROM dataops.fusion_reviews`,
  );
  await loadFusionSources(pool, { ...OPTS, schema: SCHEMA });
  // One record of a person that already has an ID in civil affairs disagrees on the birth date: a conflict to review.
  await pool.query(
    `UPDATE ${SCHEMA}.social_insurance SET birth = '1901-01-01' WHERE si_no = (
       SELECT s.si_no FROM ${SCHEMA}.social_insurance s JOIN ${SCHEMA}.fusion_truth t ON t.source = 'social_insurance' AND t.record_id = s.si_no
        WHERE s.id_no IS NOT NULL AND length(s.id_no) = 18 ORDER BY s.si_no LIMIT 1)`,
  );
}, 120_000);

afterAll(async () => {
  await pool?.end();
  await env?.stop();
  await closeAllDbs();
});

describe('fuse', () => {
  let first: FuseResult;

  it('fuses three sources into golden records at the precision and recall of the best open-source linker', async () => {
    first = await runFuse(spec);
    const scores = pairwiseScores(await predicted(), await truth());
    console.log(
      `fuse pairwise: precision ${scores.precision.toFixed(5)} recall ${scores.recall.toFixed(5)} (${scores.correctPairs}/${scores.predictedPairs} predicted, ${scores.truePairs} true pairs)`,
    );
    expect(scores.precision).toBeGreaterThanOrEqual(0.999);
    expect(scores.recall).toBeGreaterThanOrEqual(0.999);
    const { rows } = await pool.query(`SELECT count(*)::int AS n, count(DISTINCT entity_id)::int AS ids FROM ${TARGET}`);
    expect(rows[0]).toEqual({ n: first.match.entities, ids: first.match.entities });
    expect(first.match.new).toBe(first.match.entities);
    expect(first.publish.written).toBe(first.match.entities);
    // Every record of every source belongs to exactly one entity.
    const members = await pool.query(`SELECT count(*)::int AS n FROM dataops.fusion_members WHERE job = 'fuse-residents'`);
    expect(members.rows[0].n).toBe(first.match.records);
  });

  it('keeps field-level lineage: every golden value names the record it came from, and that record holds it', async () => {
    const { rows } = await pool.query(`SELECT entity_id, name, birth_date, citizen_id, lineage FROM ${TARGET} ORDER BY entity_id LIMIT 200`);
    for (const g of rows) {
      const lineage = g.lineage as Record<string, { ref: string; rule: string }>;
      expect(lineage.name?.ref).toMatch(/^(civil_affairs|social_insurance|health):/);
      if (g.birth_date) expect(g.birth_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const [source] = lineage.name!.ref.split(':');
      const member = await pool.query(`SELECT entity_id FROM dataops.fusion_members WHERE job = 'fuse-residents' AND source || ':' || record_id = $1`, [
        lineage.name!.ref,
      ]);
      expect(member.rows[0].entity_id).toBe(g.entity_id);
      expect(['civil_affairs', 'social_insurance', 'health']).toContain(source);
    }
    // Links explain why records are together.
    const link = await pool.query(`SELECT explanation FROM dataops.fusion_links WHERE job = 'fuse-residents' LIMIT 1`);
    expect(Object.keys(link.rows[0].explanation).length).toBeGreaterThan(1);
  });

  it('sends the birth-date disagreement to review instead of resolving it silently', async () => {
    const { rows } = await pool.query(
      `SELECT entity_id, field, detail FROM dataops.fusion_reviews WHERE job = 'fuse-residents' AND kind = 'conflict' AND status = 'pending'`,
    );
    const birth = rows.filter((r) => r.field === 'birth_date');
    expect(birth.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(birth.map((r) => r.detail.values))).toContain('1901-01-01');
    const golden = await pool.query(`SELECT conflicts FROM ${TARGET} WHERE entity_id = $1`, [birth[0].entity_id]);
    expect(golden.rows[0].conflicts).toContain('birth_date');
  });

  it('a re-run of unchanged sources writes nothing and keeps every id', async () => {
    const before = await predicted();
    const again = await runFuse(spec);
    expect(again.match).toMatchObject({ new: 0, changed: 0, merged: 0, split: 0, retired: 0, entities: first.match.entities });
    expect(again.publish.written).toBe(0);
    expect(await predicted()).toEqual(before);
  });

  it('an incremental run changes only the affected entities, keeps their ids and their history', async () => {
    const before = await predicted();
    const versionsBefore = (await pool.query(`SELECT count(*)::int AS n FROM ${TARGET}_history`)).rows[0].n as number;
    const changes = await applyFusionChanges(pool, { ...OPTS, schema: SCHEMA });
    const next = await runFuse(spec);
    const after = await predicted();
    // Records that are still there keep their entity unless the entity itself was split or merged.
    let kept = 0;
    let moved = 0;
    for (const [ref, id] of before) {
      const now = after.get(ref);
      if (now === undefined) continue;
      if (now === id) kept++;
      else moved++;
    }
    expect(moved).toBeLessThanOrEqual(changes.affectedPersons.length);
    expect(kept).toBeGreaterThan(before.size * 0.99);
    const touched = next.match.new + next.match.changed;
    expect(touched).toBeGreaterThan(0);
    expect(touched).toBeLessThanOrEqual(changes.affectedPersons.length + 5);
    expect(next.match.unchanged).toBeGreaterThan(first.match.entities - changes.affectedPersons.length - 5);
    // Each changed entity's old version ended; its new one is current.
    const history = await pool.query(`SELECT count(*)::int AS versions, count(*) FILTER (WHERE valid_to IS NOT NULL)::int AS ended FROM ${TARGET}_history`);
    expect(history.rows[0].versions).toBe(versionsBefore + touched);
    expect(history.rows[0].ended).toBe(next.match.changed + next.match.retired + next.match.merged);
    const scores = pairwiseScores(after, await truth());
    expect(scores.precision).toBeGreaterThanOrEqual(0.999);
    expect(scores.recall).toBeGreaterThanOrEqual(0.999);
  });

  it('review list masks the values; accepting a conflict with a value and a match with accept apply on the next run', async () => {
    const listed = await runCliAsync(['review', 'list', '--job', 'fuse-residents', '--kind', 'conflict']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('birth_date');
    expect(listed.stdout).not.toContain('1901-01-01');
    expect(listed.stdout).toContain('1901');
    const conflict = (
      await pool.query(
        `SELECT id, entity_id FROM dataops.fusion_reviews WHERE job = 'fuse-residents' AND kind = 'conflict' AND field = 'birth_date' AND status = 'pending' ORDER BY id LIMIT 1`,
      )
    ).rows[0];
    const accepted = await runCliAsync(['review', 'accept', String(conflict.id), '--value', '1950-05-05']);
    expect(accepted.stdout).toContain('accepted');
    const match = (
      await pool.query(
        `SELECT id, left_ref, right_ref FROM dataops.fusion_reviews WHERE job = 'fuse-residents' AND kind = 'match' AND status = 'pending' ORDER BY score DESC LIMIT 1`,
      )
    ).rows[0];
    if (match) expect((await runCliAsync(['review', 'accept', String(match.id)])).status).toBe(0);
    await runFuse(spec);
    const golden = await pool.query(`SELECT birth_date, lineage->'birth_date' AS l, conflicts FROM ${TARGET} WHERE entity_id = $1`, [conflict.entity_id]);
    expect(golden.rows[0]).toMatchObject({ birth_date: '1950-05-05', l: { ref: null, rule: 'review' } });
    expect(golden.rows[0].conflicts).not.toContain('birth_date');
    const still = await pool.query(
      `SELECT count(*)::int AS n FROM dataops.fusion_reviews WHERE job = 'fuse-residents' AND kind = 'conflict' AND entity_id = $1 AND field = 'birth_date' AND status = 'pending'`,
      [conflict.entity_id],
    );
    expect(still.rows[0].n).toBe(0);
    if (match) {
      const m = await predicted();
      expect(m.get(match.left_ref)).toBe(m.get(match.right_ref));
    }
    const shown = await runCliAsync(['entity', conflict.entity_id]);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain('review');
    expect(shown.stdout).toContain('birth_date');
  });

  it('tags run over the golden records as over any governed table', async () => {
    const tagSpec = jobSpecSchema.parse({
      kind: 'tag',
      job: 'tag-golden-test',
      dataset: 'golden-tags-test',
      department: 'test',
      entities: { table: TARGET, key: 'entity_id', type: 'resident' },
      computed: { age: { fn: 'age_years', column: 'birth_date' } },
      asOf: '2026-11-01',
      tags: { elderly: { rule: 'age >= 60' }, everywhere: { rule: 'record_count == 3' } },
    });
    const { handle } = await startJob(env.client, env.config, tagSpec, `tag:golden:${Date.now()}`);
    await handle.result();
    const got = await pool.query(
      `SELECT tag, count(*)::int AS n FROM dataops.tags WHERE job = 'tag-golden-test' AND valid_to IS NULL GROUP BY tag ORDER BY tag`,
    );
    const want = await pool.query(
      `SELECT count(*) FILTER (WHERE birth_date <= '1966-11-01')::int AS elderly, count(*) FILTER (WHERE record_count = 3)::int AS everywhere FROM ${TARGET}`,
    );
    expect(got.rows).toEqual([
      { tag: 'elderly', n: want.rows[0].elderly },
      { tag: 'everywhere', n: want.rows[0].everywhere },
    ]);
  });

  it('a publish that fails part-way leaves nothing published; the retry publishes once, and a retry after the commit changes nothing', async () => {
    const activities = new MockActivityEnvironment({ attempt: 1 }, { client: env.client });
    const { runId, spec: failSpec, staged } = await stagedRun('partial');
    // The history table refuses one entity's version: the current table has taken its rows by then.
    await pool.query(`CREATE SCHEMA IF NOT EXISTS fused`);
    await pool.query(
      `CREATE TABLE fused.partial_history (entity_id text NOT NULL CHECK (entity_id <> 'P000000777'), record_count integer NOT NULL, sources text[] NOT NULL, conflicts text[] NOT NULL,
         lineage jsonb NOT NULL, digest text NOT NULL, run_id text NOT NULL, valid_from timestamptz NOT NULL, valid_to timestamptz, ended_by text, PRIMARY KEY (entity_id, valid_from))`,
    );
    const input = { runId, spec: failSpec, staged, startedAt: Date.now() };
    await expect(activities.run(matchFusion, input)).rejects.toThrow(/partial_history_entity_id_check/);
    const counts = async () =>
      (
        await pool.query(
          `SELECT (SELECT count(*) FROM dataops.fusion_members WHERE job = 'fuse-partial')::int AS members, (SELECT count(*) FROM dataops.fusion_links WHERE job = 'fuse-partial')::int AS links,
                  (SELECT count(*) FROM dataops.fusion_events WHERE job = 'fuse-partial')::int AS events, (SELECT count(*) FROM dataops.fusion_jobs WHERE job = 'fuse-partial')::int AS jobs,
                  (SELECT to_regclass('fused.partial')::text) AS target`,
        )
      ).rows[0];
    expect(await counts()).toEqual({ members: 0, links: 0, events: 0, jobs: 0, target: null });
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM dataops.checkpoints WHERE run_id = $1 AND step = 'fuse_match' AND status = 'published'`, [runId]))
        .rows[0].n,
    ).toBe(0);
    await pool.query(`ALTER TABLE fused.partial_history DROP CONSTRAINT partial_history_entity_id_check`);
    const published = (await activities.run(matchFusion, input)) as MatchFusionOutcome;
    const after = await counts();
    expect(after.members).toBe(published.match.records);
    expect(after.events).toBe(published.match.entities);
    expect((await pool.query(`SELECT count(*)::int AS n FROM fused.partial_history`)).rows[0].n).toBe(published.match.entities);
    // The staged sources went with the publish.
    for (const s of staged) expect((await pool.query(`SELECT to_regclass($1)::text AS t`, [s.stagingTable])).rows[0].t).toBeNull();
    const again = (await new MockActivityEnvironment({ attempt: 2 }, { client: env.client }).run(matchFusion, input)) as MatchFusionOutcome;
    expect(again).toEqual(published);
    expect(await counts()).toEqual(after);
  });

  it('an attempt that outlived its timeout and the retry both reach publishing: one publishes, the other returns its outcome', async () => {
    const first = new MockActivityEnvironment({ attempt: 1 }, { client: env.client });
    const { runId, spec: twiceSpec, staged } = await stagedRun('twice');
    // Hold the job's row so that both attempts match and then wait at the publishing lock.
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query(`INSERT INTO dataops.fusion_jobs (job, entity, target_table) VALUES ('fuse-twice', 'person', 'fused.twice')`);
    const input = { runId, spec: twiceSpec, staged, startedAt: Date.now() };
    const late = first.run(matchFusion, input) as Promise<MatchFusionOutcome>;
    const retry = new MockActivityEnvironment({ attempt: 2 }, { client: env.client }).run(matchFusion, input) as Promise<MatchFusionOutcome>;
    const deadline = Date.now() + 60_000;
    while ((await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%fusion_jobs%'`)).rows[0].n < 2) {
      if (Date.now() > deadline) throw new Error('the two attempts did not both reach the publishing lock');
      await new Promise((r) => setTimeout(r, 20));
    }
    await holder.query('ROLLBACK');
    holder.release();
    const [a, b] = await Promise.all([late, retry]);
    expect(a).toEqual(b);
    const members = await pool.query(`SELECT count(*)::int AS n FROM dataops.fusion_members WHERE job = 'fuse-twice'`);
    expect(members.rows[0].n).toBe(a.match.records);
    const versions = await pool.query(`SELECT count(*)::int AS n FROM fused.twice_history`);
    expect(versions.rows[0].n).toBe(a.match.entities);
  });

  it('a membership COPY that fails while golden records are being built stops them, and the run leaves nothing', async () => {
    const activities = new MockActivityEnvironment({ attempt: 1 }, { client: env.client });
    const { runId, spec: bgSpec, staged } = await stagedRun('bgfail');
    // One record's membership is refused by the database, in the background COPY.
    const refused = staged[0]!.source;
    await pool.query(`ALTER TABLE dataops.fusion_members ADD CONSTRAINT fuse_bgfail CHECK (job <> 'fuse-bgfail' OR source <> '${refused}') NOT VALID`);
    try {
      await expect(activities.run(matchFusion, { runId, spec: bgSpec, staged, startedAt: Date.now() })).rejects.toThrow(/fuse_bgfail/);
    } finally {
      await pool.query('ALTER TABLE dataops.fusion_members DROP CONSTRAINT fuse_bgfail');
    }
    const left = await pool.query(
      `SELECT (SELECT count(*) FROM dataops.fusion_members WHERE job = 'fuse-bgfail')::int AS members, (SELECT count(*) FROM dataops.fusion_links WHERE job = 'fuse-bgfail')::int AS links,
              (SELECT count(*) FROM dataops.fusion_jobs WHERE job = 'fuse-bgfail')::int AS jobs, (SELECT to_regclass('fused.bgfail')::text) AS target`,
    );
    expect(left.rows[0]).toEqual({ members: 0, links: 0, jobs: 0, target: null });
    // The next attempt publishes the run.
    const published = (await new MockActivityEnvironment({ attempt: 2 }, { client: env.client }).run(matchFusion, {
      runId,
      spec: bgSpec,
      staged,
      startedAt: Date.now(),
    })) as MatchFusionOutcome;
    expect(published.match.records).toBe(staged.reduce((n, s) => n + s.records, 0));
  });
});
