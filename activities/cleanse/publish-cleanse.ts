import { createHash } from 'node:crypto';
import { TARGET_SCHEMA, type CleanseJobSpec } from '../../schemas/job-spec.ts';
import type { CleansePublishSummary } from '../../schemas/cleanse-run.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { RuleCounters } from '../../governance/rules/counters.ts';
import { cleanseIndicators } from '../../governance/cleanse-indicators.ts';
import { activityConfig, activityLogger, classifyErrors } from '../context.ts';
import { placeStagedTable, publishStaged } from '../publish/publish-staged.ts';
import { nameKeptRecords } from '../../catalogue/quarantine.ts';
import { sensitivityOfTable } from '../../catalogue/resources.ts';
import { recordRunCounts } from '../../catalogue/runs.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import { recordIndicators } from '../../catalogue/indicators.ts';
import { labelsOf, labelsOfTable, recordColumnProfiles } from '../../catalogue/column-profiles.ts';
import { recordCatalogueVersion } from '../../catalogue/catalogue-version.ts';
import { guessSensitivity, type SensitivityGuess, type SensitivityLevel } from '../../governance/sensitivity.ts';
import { printLikeSource, profileStagedTable } from '../publish/profile-table.ts';
import type { CleanseCheckpoint } from './cleanse-checkpoint.ts';
import { BOOKKEEPING_COLUMNS, CLEANSE_STEP, compileCleansePlan, ORIGINAL_COLUMN, REF_COLUMN } from './cleanse-plan.ts';
import { loadBoundaries, loadReferences } from './references.ts';
import { sourceRefSql } from './cleanse-rows.ts';
import { dropDedupLog } from './dedup-log.ts';

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
    const summary = await publishStaged<CleanseCheckpoint, CleansePublishSummary>(runId, CLEANSE_STEP, async (trx, state) => {
      const names = state.columns.map((c) => c.name).filter((n) => !BOOKKEEPING_COLUMNS.includes(n));
      const config = activityConfig();
      const plan = compileCleansePlan(spec, names, await loadReferences(config, spec.references), await loadBoundaries(config, spec.boundaries));
      const entries = RuleCounters.fromJSON(plan.slots, state.counters).entries();
      // Values print as the source printed them (dates ISO, timestamps in the source's time zone):
      // for the kept records' references and for the profile.
      await printLikeSource(trx, state.timeZone);
      await nameKeptRecords(trx, runId, CLEANSE_STEP, quoteTable(state.stagingTable), sourceRefSql(names, state.keyColumns ?? [], state.columns));
      const dropped = state.columns.filter((c) => c.name === REF_COLUMN || c.name === ORIGINAL_COLUMN).map((c) => `DROP COLUMN ${quoteIdent(c.name)}`);
      await trx.raw(`ALTER TABLE ${quoteTable(state.stagingTable)} ${dropped.join(', ')}`);
      const published = state.clean + state.flagged;
      const profiles = await profileStagedTable(trx, quoteTable(state.stagingTable), names, published);
      const { resource, version, target } = await placeStagedTable(trx, spec, state.stagingTable, TARGET_SCHEMA[spec.kind]);
      const figures = cleanseIndicators(entries, { read: state.rows, published });
      const accuracy = figures.find((f) => f.indicator === 'accuracy.overall')?.value ?? null;
      const origin = spec.source.type === 'table' && spec.source.connection === 'centre' ? await sensitivityOfTable(trx, spec.source.table) : undefined;
      const sensitivity = cleansedSensitivity(
        guessSensitivity(profiles.map((p) => p.semanticType)),
        origin && {
          level: origin.sensitivity as SensitivityLevel,
          reasons: origin.sensitivity_reasons as string[],
          from: spec.source.type === 'table' ? spec.source.table : '',
        },
      );
      // A cleansed centre table keeps the labels its source was catalogued with (the headers it was read as).
      const inherited =
        spec.source.type === 'table' && spec.source.connection === 'centre' ? await labelsOfTable(trx, spec.source.table) : new Map<string, string>();
      const labels = new Map([...inherited, ...labelsOf(state.columns)]);
      const outputColumns = state.columns.filter((c) => c.name !== REF_COLUMN && c.name !== ORIGINAL_COLUMN);
      const schemaHash = createHash('sha256').update(JSON.stringify(outputColumns)).digest('hex').slice(0, 16);
      const resourceId = await recordCatalogueVersion(trx, { spec, resource, version, runId, target, rows: published, sensitivity, schemaHash });
      await recordColumnProfiles(trx, resourceId, version, profiles, new Map(state.columns.map((c) => [c.name, c.pgType])), labels);
      await recordStepMetrics(trx, {
        run_id: runId,
        step: CLEANSE_STEP,
        attempt: state.stagedAttempt ?? 1,
        records_in: state.rows,
        records_out: published,
        records_rejected: state.rejected,
        records_flagged: state.flagged,
        values_fixed: state.fixes,
        bytes: state.bytes,
        duration_ms: input.durationMs,
      });
      await recordIndicators(trx, runId, CLEANSE_STEP, `${target.schema}.${target.table}`, figures);
      await recordRunCounts(trx, runId, { records_in: state.rows, records_out: published, records_rejected: state.rejected, accuracy });
      await dropDedupLog(trx, runId);
      return { table: `${target.schema}.${target.physical}`, version, published, accuracy };
    });
    activityLogger({ runId, step: CLEANSE_STEP }).info(summary, 'published');
    return summary;
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
