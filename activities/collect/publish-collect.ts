import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import type { PublishSummary } from '../../schemas/collect-run.ts';
import { TableProfiler, type ColumnProfile } from '../../governance/profile/column-profiler.ts';
import { storageType } from '../../governance/storage-type.ts';
import { guessSensitivity } from '../../governance/sensitivity.ts';
import { collectIndicators, ratio } from '../../governance/collect-indicators.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { swapIntoPlace } from '../publish/swap-into-place.ts';
import { recordIndicators } from '../publish/record-indicators.ts';
import { recordColumnProfiles } from '../publish/record-column-profiles.ts';
import { recordCatalogueVersion } from '../publish/record-catalogue-version.ts';
import { activityDb, activityLogger, classifyErrors } from '../context.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import type { CollectCheckpoint } from './collect-checkpoint.ts';
import { COLLECT_STEP } from './stage-collect.ts';

export interface PublishCollectInput {
  runId: string;
  spec: CollectJobSpec;
  durationMs: number;
}

export const RAW_SCHEMA = 'raw';

/** Casts text columns of file sources to the type every one of their values fits (one table rewrite). */
async function applyInferredTypes(trx: Knex.Transaction, stagingQualified: string, profiles: ColumnProfile[]): Promise<Map<string, string>> {
  const types = new Map(profiles.map((p) => [p.name, 'text']));
  const changes = profiles.map((p) => ({ name: p.name, type: storageType(p) })).filter((c) => c.type !== 'text');
  if (changes.length) {
    const clauses = changes.map((c) => `ALTER COLUMN ${quoteIdent(c.name)} TYPE ${c.type} USING NULLIF(${quoteIdent(c.name)}, '')::${c.type}`);
    await trx.raw(`ALTER TABLE ${stagingQualified} ${clauses.join(', ')}`);
    for (const c of changes) types.set(c.name, c.type);
  }
  return types;
}

/**
 * Publishes the staged table in one transaction: swap (or new version plus view), catalogue entry and
 * version, column profiles, step metrics and quality indicators. Re-running it after a commit returns
 * the recorded result, so nothing is ever counted or versioned twice.
 */
export async function publishCollect(input: PublishCollectInput): Promise<PublishSummary> {
  return classifyErrors(async () => {
    const { runId, spec } = input;
    const log = activityLogger({ runId, step: COLLECT_STEP });
    const db = activityDb();
    const attempt = Context.current().info.attempt;
    return db.transaction(async (trx) => {
      const checkpoint = (await trx('dataops.checkpoints').where({ run_id: runId, step: COLLECT_STEP }).forUpdate().first()) as
        | CheckpointRow<CollectCheckpoint>
        | undefined;
      if (!checkpoint) throw new Error(`no staged data for run ${runId}`);
      if (checkpoint.status === 'published') return checkpoint.state.publish as PublishSummary;
      if (checkpoint.status !== 'staged') throw new Error(`run ${runId} is not fully staged (status ${checkpoint.status})`);
      const state = checkpoint.state;
      const profiles = TableProfiler.fromState(state.profile as Parameters<typeof TableProfiler.fromState>[0]).results();
      const stagingQualified = quoteTable(state.stagingTable);

      // CSV columns were typed while staging; NDJSON (text format) is cast here, in one rewrite.
      const types =
        state.typing === 'cast-on-publish' ? await applyInferredTypes(trx, stagingQualified, profiles) : new Map(state.columns.map((c) => [c.name, c.pgType]));

      const resource = await trx('dataops.catalogue_resources').where({ dataset: spec.dataset }).forUpdate().first();
      const version = (resource?.current_version ?? 0) + 1;
      const target = await swapIntoPlace(trx, state.stagingTable, spec.target.table, RAW_SCHEMA, spec.target.mode, version);

      const sensitivity = guessSensitivity(profiles.map((p) => p.semanticType));
      const schemaHash = createHash('sha256')
        .update(JSON.stringify(profiles.map((p) => [p.name, types.get(p.name)])))
        .digest('hex')
        .slice(0, 16);
      const resourceId = await recordCatalogueVersion(trx, { spec, resource, version, runId, target, rows: state.rows, sensitivity, schemaHash });
      await recordColumnProfiles(trx, resourceId, version, profiles, types);

      const figures = collectIndicators(profiles);
      await trx('dataops.step_metrics').insert({
        run_id: runId,
        step: COLLECT_STEP,
        attempt: state.stagedAttempt ?? attempt,
        records_in: state.rows,
        records_out: state.rows,
        records_rejected: 0,
        bytes: state.bytes,
        duration_ms: Math.max(0, Math.round(input.durationMs)),
      });
      await recordIndicators(trx, runId, COLLECT_STEP, `${target.schema}.${target.table}`, figures);
      const accuracyFigure = figures.find((f) => f.indicator === 'accuracy' && f.column === '');
      const completenessFigure = figures.find((f) => f.indicator === 'completeness' && f.column === '');
      const summary: PublishSummary = {
        table: `${target.schema}.${target.physical}`,
        version,
        rows: state.rows,
        columns: profiles.length,
        sensitivity: sensitivity.level,
        accuracy: accuracyFigure ? ratio(accuracyFigure.a, accuracyFigure.b) : null,
        completeness: completenessFigure ? ratio(completenessFigure.a, completenessFigure.b) : null,
      };
      await trx('dataops.runs')
        .where({ run_id: runId })
        .update({ records_in: state.rows, records_out: state.rows, records_rejected: 0, accuracy: summary.accuracy });
      await trx('dataops.checkpoints')
        .where({ run_id: runId, step: COLLECT_STEP })
        .update({ status: 'published', state: JSON.stringify({ ...state, publish: summary }), updated_at: trx.fn.now() });
      log.info(summary, 'published');
      return summary;
    });
  });
}
