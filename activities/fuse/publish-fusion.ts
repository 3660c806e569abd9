import type { Knex } from 'knex';
import { ApplicationFailure } from '@temporalio/common';
import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { recordIndicators } from '../../catalogue/indicators.ts';
import { recordRunCounts } from '../../catalogue/runs.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import { activityDb, activityLogger, classifyErrors } from '../context.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import { fuseFields } from './fuse-fields.ts';
import { MATCH_STEP, type OutputKind } from './fusion-staging.ts';
import { ensureGoldenTables, historyTable } from './golden-tables.ts';
import type { FuseMatchSummary } from './match-fusion.ts';
import type { FuseSourceSummary } from './stage-fuse-source.ts';
import { fusionIndicators } from './fusion-indicators.ts';
import { sourceStep } from './fuse-fields.ts';
import { STAGING_SCHEMA } from '../staging/staging-table.ts';

export interface PublishFusionInput {
  runId: string;
  spec: FuseJobSpec;
  staged: FuseSourceSummary[];
  match: FuseMatchSummary;
  durationMs: number;
}

export interface FusePublishSummary {
  table: string;
  history: string;
  entities: number;
  written: number;
  ended: number;
  durationMs: number;
}

/**
 * Applies a run's staged changes in one transaction: current versions of changed, merged and retired
 * entities end (valid_to) and leave the current table, new versions go into both; membership, links,
 * events and the review queue follow; counts and indicators are recorded. A retry after the commit
 * finds the checkpoint published and returns.
 */
class MatchOutputLost extends Error {
  override readonly name = 'MatchOutputLost';
}

export async function publishFusion(input: PublishFusionInput): Promise<FusePublishSummary> {
  return classifyErrors(async () => {
    try {
      return await publish(input);
    } catch (error) {
      if (!(error instanceof MatchOutputLost)) throw error;
      // Forget the match so that the workflow's retry of it matches again, and fail this attempt.
      await activityDb()('dataops.checkpoints').where({ run_id: input.runId, step: MATCH_STEP }).delete();
      throw ApplicationFailure.nonRetryable(`${error.message}: the database restarted since the match; matching again`, 'MatchOutputLost');
    }
  });
}

async function publish(input: PublishFusionInput): Promise<FusePublishSummary> {
  {
    const { runId, spec, match } = input;
    const db = activityDb();
    const target = spec.target.table;
    const history = historyTable(target);
    const fields = fuseFields(spec);
    const t = match.tables;
    const started = performance.now();
    const summary = await db.transaction(async (trx) => {
      await trx.raw("SET LOCAL lock_timeout = '60s'");
      const checkpoint = (await trx('dataops.checkpoints').where({ run_id: runId, step: MATCH_STEP }).forUpdate().first('status')) as
        | Pick<CheckpointRow<unknown>, 'status'>
        | undefined;
      const result = { table: target, history, entities: match.entities, written: match.new + match.changed, ended: 0, durationMs: 0 };
      if (checkpoint?.status === 'published') return result;
      // One run of a job publishes at a time: the job row is the lock.
      await trx.raw(`INSERT INTO dataops.fusion_jobs (job, entity, target_table) VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE SET updated_at = now()`, [
        spec.job,
        spec.entity,
        target,
      ]);
      const current = (await trx('dataops.fusion_jobs').where({ job: spec.job }).forUpdate().first('last_run_id')) as { last_run_id: string | null };
      // Another run of the job published since this one matched: its diff is against an older state.
      if ((current.last_run_id ?? null) !== match.basedOn) {
        throw ApplicationFailure.nonRetryable(
          `another run of ${spec.job} (${current.last_run_id}) published after this run matched against ${match.basedOn ?? 'no earlier run'}: nothing was published; run the job again`,
          'ConcurrentRun',
        );
      }
      await ensureGoldenTables(trx, target, fields);
      const stg = (kind: OutputKind) => quoteTable(t[kind]);
      // The output is unlogged: a database restart since the match empties it. Then match again.
      for (const kind of Object.keys(t) as OutputKind[]) {
        const exists = (await trx.raw('SELECT to_regclass(?) AS t', [t[kind]])).rows[0].t;
        const rows = exists ? Number((await trx.raw(`SELECT count(*) AS n FROM ${stg(kind)}`)).rows[0].n) : -1;
        if (rows !== match.staged[kind])
          throw new MatchOutputLost(`the staged ${kind} of the match (${match.staged[kind]} rows) ${exists ? `holds ${rows}` : 'is gone'}`);
      }
      // Freshly filled, never analysed: without statistics the planner takes them for empty and joins
      // them to the golden history by nested loops.
      for (const kind of Object.keys(t) as OutputKind[]) await trx.raw(`ANALYZE ${stg(kind)}`);
      const names = fields.map((f) => quoteIdent(f.name)).join(', ');
      const now = await trx.raw('SELECT now() AS now');
      const at = now.rows[0].now as Date;
      const ended = await trx.raw(
        `UPDATE ${quoteTable(history)} h SET valid_to = ?, ended_by = ? FROM (SELECT DISTINCT entity_id FROM ${stg('ended')}) e WHERE h.entity_id = e.entity_id AND h.valid_to IS NULL`,
        [at, runId],
      );
      result.ended = ended.rowCount ?? 0;
      await trx.raw(`DELETE FROM ${quoteTable(target)} c USING (SELECT DISTINCT entity_id FROM ${stg('ended')}) e WHERE c.entity_id = e.entity_id`);
      const golden = `SELECT entity_id, ${names}, record_count::int, sources::text[], conflicts::text[], lineage::jsonb, digest, ?::text, ?::timestamptz FROM ${stg('golden')}`;
      await trx.raw(
        `INSERT INTO ${quoteTable(target)} (entity_id, ${names}, record_count, sources, conflicts, lineage, digest, run_id, valid_from) ${golden}`,
        [runId, at],
      );
      await trx.raw(
        `INSERT INTO ${quoteTable(history)} (entity_id, ${names}, record_count, sources, conflicts, lineage, digest, run_id, valid_from) ${golden}`,
        [runId, at],
      );
      await trx.raw(`DELETE FROM dataops.fusion_members m USING ${stg('members')} s WHERE m.job = ? AND m.source = s.source AND m.record_id = s.record_id`, [
        spec.job,
      ]);
      await trx.raw(
        `INSERT INTO dataops.fusion_members (job, source, record_id, entity_id, digest, run_id) SELECT ?, source, record_id, entity_id, digest, ? FROM ${stg('members')} WHERE entity_id IS NOT NULL`,
        [spec.job, runId],
      );
      await trx.raw(
        `DELETE FROM dataops.fusion_links l WHERE l.job = ? AND l.entity_id IN (SELECT entity_id FROM ${stg('golden')} UNION SELECT entity_id FROM ${stg('ended')})`,
        [spec.job],
      );
      await trx.raw(
        `INSERT INTO dataops.fusion_links (job, entity_id, left_ref, right_ref, score, explanation, run_id)
         SELECT ?, entity_id, left_ref, right_ref, score::float8, explanation::jsonb, ? FROM ${stg('links')}`,
        [spec.job, runId],
      );
      await trx.raw(
        `INSERT INTO dataops.fusion_events (job, run_id, event, entity_id, detail, at) SELECT ?, ?, event, entity_id, detail::jsonb, ? FROM ${stg('events')}`,
        [spec.job, runId, at],
      );
      await publishReviews(trx, spec.job, runId, stg('reviews'));
      await trx('dataops.fusion_jobs')
        .where({ job: spec.job })
        .update({
          next_seq: match.nextSeq,
          last_run_id: runId,
          entity: spec.entity,
          target_table: target,
          fields: JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, f.kind]))),
          updated_at: at,
        });
      await recordStepMetrics(trx, {
        run_id: runId,
        step: 'fuse',
        attempt: 1,
        records_in: match.records,
        records_out: match.entities,
        records_rejected: 0,
        bytes: 0,
        duration_ms: input.durationMs,
      });
      await recordIndicators(trx, runId, 'fuse', target, fusionIndicators(match));
      await recordRunCounts(trx, runId, { records_in: match.records, records_out: match.entities, records_rejected: 0, accuracy: null });
      await trx('dataops.checkpoints').where({ run_id: runId, step: MATCH_STEP }).update({ status: 'published', updated_at: trx.fn.now() });
      return result;
    });
    await dropFusionStaging(db, input);
    summary.durationMs = Math.round(performance.now() - started);
    activityLogger({ runId, step: 'fuse' }).info(summary, 'published');
    return summary;
  }
}

/**
 * The review queue after a run: questions it raised again are refreshed in place (the open one of each
 * pair or entity field), new ones added, and pending ones it no longer raises are superseded.
 */
async function publishReviews(trx: Knex.Transaction, job: string, runId: string, staged: string): Promise<void> {
  await trx.raw(
    `UPDATE dataops.fusion_reviews r SET status = 'superseded' WHERE r.job = ? AND r.status = 'pending' AND NOT EXISTS (
       SELECT 1 FROM ${staged} s WHERE s.kind = r.kind AND s.entity_id = r.entity_id AND coalesce(s.other_entity_id, '') = coalesce(r.other_entity_id, '') AND coalesce(s.field, '') = coalesce(r.field, ''))`,
    [job],
  );
  await trx.raw(
    `INSERT INTO dataops.fusion_reviews (job, run_id, kind, entity_id, other_entity_id, field, left_ref, right_ref, score, detail)
     SELECT ?, ?, kind, entity_id, other_entity_id, field, left_ref, right_ref, score::float8, detail::jsonb FROM ${staged}
     ON CONFLICT (job, kind, entity_id, coalesce(other_entity_id, ''), coalesce(field, '')) WHERE status = 'pending'
     DO UPDATE SET run_id = EXCLUDED.run_id, left_ref = EXCLUDED.left_ref, right_ref = EXCLUDED.right_ref, score = EXCLUDED.score, detail = EXCLUDED.detail`,
    [job, runId],
  );
}

/** The run's staging (sources and match output) and checkpoints go once published. */
async function dropFusionStaging(db: Knex, { runId, staged, match }: PublishFusionInput): Promise<void> {
  const tables = [...staged.map((s) => s.stagingTable), ...Object.values(match.tables)];
  for (const table of tables) {
    if (!table.startsWith(`${STAGING_SCHEMA}.`)) continue;
    await db.raw(`DROP TABLE IF EXISTS ${quoteTable(table)}`);
  }
  await db('dataops.checkpoints')
    .where({ run_id: runId })
    .whereIn(
      'step',
      staged.map((s) => sourceStep(s.source)),
    )
    .update({ status: 'published', updated_at: db.fn.now() });
}
