import { createHash } from 'node:crypto';
import type { CleanseJobSpec } from '../../schemas/job-spec.ts';
import type { CleansePublishSummary } from '../../schemas/cleanse-run.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { RuleCounters } from '../../governance/rules/counters.ts';
import { cleanseIndicators } from '../../governance/cleanse-indicators.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import { swapIntoPlace } from '../publish/swap-into-place.ts';
import { recordIndicators } from '../publish/record-indicators.ts';
import { recordColumnProfiles } from '../publish/record-column-profiles.ts';
import { recordCatalogueVersion } from '../publish/record-catalogue-version.ts';
import { guessSensitivity, type SensitivityGuess, type SensitivityLevel } from '../../governance/sensitivity.ts';
import { profileStagedTable } from './profile-sample.ts';
import type { CleanseCheckpoint } from './cleanse-checkpoint.ts';
import { BOOKKEEPING_COLUMNS, CLEANSE_STEP, compileCleansePlan, ORIGINAL_COLUMN, REF_COLUMN } from './cleanse-plan.ts';
import { loadReferences } from './references.ts';

export const CLEAN_SCHEMA = 'clean';

export interface PublishCleanseInput {
  runId: string;
  spec: CleanseJobSpec;
  durationMs: number;
}

/**
 * Publishes the cleansed table with its indicators, step metrics and catalogue version in one
 * transaction; a retry after the commit returns the recorded result.
 */
export async function publishCleanse(input: PublishCleanseInput): Promise<CleansePublishSummary> {
  return classifyErrors(async () => {
    const { runId, spec } = input;
    const log = activityLogger({ runId, step: CLEANSE_STEP });
    const db = activityDb();
    return db.transaction(async (trx) => {
      const row = (await trx('dataops.checkpoints').where({ run_id: runId, step: CLEANSE_STEP }).forUpdate().first()) as
        | CheckpointRow<CleanseCheckpoint>
        | undefined;
      if (!row) throw new Error(`no staged data for run ${runId}`);
      if (row.status === 'published') return row.state.publish as CleansePublishSummary;
      if (row.status !== 'staged') throw new Error(`run ${runId} is not fully staged (status ${row.status})`);
      const state = row.state;
      const names = state.columns.map((c) => c.name).filter((n) => !BOOKKEEPING_COLUMNS.includes(n));
      const plan = compileCleansePlan(spec, names, await loadReferences(activityConfig(), spec.references));
      const entries = RuleCounters.fromJSON(plan.slots, state.counters).entries();

      const dropped = state.columns.filter((c) => c.name === REF_COLUMN || c.name === ORIGINAL_COLUMN).map((c) => `DROP COLUMN ${quoteIdent(c.name)}`);
      await trx.raw(`ALTER TABLE ${quoteTable(state.stagingTable)} ${dropped.join(', ')}`);
      const published = state.clean + state.flagged;
      // Profile values as the source printed them (dates ISO, timestamps in the source's time zone).
      await trx.raw(
        "SELECT set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '3', true)",
      );
      if (state.timeZone) await trx.raw("SELECT set_config('TimeZone', ?, true)", [state.timeZone]);
      const profiles = await profileStagedTable(trx, quoteTable(state.stagingTable), names, published);
      const resource = await trx('dataops.catalogue_resources').where({ dataset: spec.dataset }).forUpdate().first();
      const version = (resource?.current_version ?? 0) + 1;
      const target = await swapIntoPlace(trx, state.stagingTable, spec.target.table, CLEAN_SCHEMA, spec.target.mode, version);
      const figures = cleanseIndicators(entries, { read: state.rows, published });
      const accuracy = figures.find((f) => f.indicator === 'accuracy.overall')?.value ?? null;

      const origin =
        spec.source.type === 'table' && spec.source.connection === 'centre'
          ? await trx('dataops.catalogue_resources').where({ table_ref: spec.source.table }).first('sensitivity', 'sensitivity_reasons')
          : undefined;
      const sensitivity = cleansedSensitivity(
        guessSensitivity(profiles.map((p) => p.semanticType)),
        origin && {
          level: origin.sensitivity as SensitivityLevel,
          reasons: origin.sensitivity_reasons as string[],
          from: spec.source.type === 'table' ? spec.source.table : '',
        },
      );
      const schemaHash = createHash('sha256')
        .update(JSON.stringify(state.columns.filter((c) => c.name !== REF_COLUMN && c.name !== ORIGINAL_COLUMN)))
        .digest('hex')
        .slice(0, 16);
      const resourceId = await recordCatalogueVersion(trx, { spec, resource, version, runId, target, rows: published, sensitivity, schemaHash });
      await recordColumnProfiles(trx, resourceId, version, profiles, new Map(state.columns.map((c) => [c.name, c.pgType])));
      await trx('dataops.step_metrics').insert({
        run_id: runId,
        step: CLEANSE_STEP,
        attempt: state.stagedAttempt ?? 1,
        records_in: state.rows,
        records_out: published,
        records_rejected: state.rejected,
        records_flagged: state.flagged,
        values_fixed: state.fixes,
        bytes: state.bytes,
        duration_ms: Math.max(0, Math.round(input.durationMs)),
      });
      await recordIndicators(trx, runId, CLEANSE_STEP, `${target.schema}.${target.table}`, figures);
      const summary: CleansePublishSummary = { table: `${target.schema}.${target.physical}`, version, published, accuracy };
      await trx('dataops.runs').where({ run_id: runId }).update({ records_in: state.rows, records_out: published, records_rejected: state.rejected, accuracy });
      await trx('dataops.checkpoints')
        .where({ run_id: runId, step: CLEANSE_STEP })
        .update({ status: 'published', state: JSON.stringify({ ...state, publish: summary }), updated_at: trx.fn.now() });
      log.info(summary, 'published');
      return summary;
    });
  });
}

/**
 * The cleansed data is as sensitive as what it came from (the same columns, cleaner) and as what its own
 * columns show: the higher of the two levels, with the reasons for it.
 */
function cleansedSensitivity(detected: SensitivityGuess, origin: { level: SensitivityLevel; reasons: string[]; from: string } | undefined): SensitivityGuess {
  if (!origin || detected.level > origin.level) return detected;
  const inherited = [...origin.reasons, `inherited from ${origin.from}`];
  return { level: origin.level, reasons: detected.level === origin.level ? [...new Set([...detected.reasons, ...inherited])] : inherited };
}
