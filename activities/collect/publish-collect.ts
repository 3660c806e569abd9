import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Knex } from 'knex';
import { TARGET_SCHEMA, type CollectJobSpec } from '../../schemas/job-spec.ts';
import { publishedMergeKey } from './published-key.ts';
import type { PublishSummary } from '../../schemas/collect-run.ts';
import { TableProfiler, type ColumnProfile, type TableProfileState } from '../../governance/profile/column-profiler.ts';
import { shortTypeName, storageType } from '../../governance/storage-type.ts';
import { guessSensitivity } from '../../governance/sensitivity.ts';
import { collectIndicators, ratio } from '../../governance/collect-indicators.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { placeStagedTable, publishStaged } from '../publish/publish-staged.ts';
import { recordRunCounts, recordRunWarning } from '../../catalogue/runs.ts';
import { recordCollectedFiles } from '../../catalogue/collected-files.ts';
import { claimTable, lockResource } from '../../catalogue/resources.ts';
import { splitTableRef } from '../../schemas/identifiers.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { recordWatermark } from '../../catalogue/watermarks.ts';
import { profileTable } from '../publish/profile-table.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import { labelsOf } from '../../catalogue/column-profiles.ts';
import { recordIndicators } from '../../catalogue/indicators.ts';
import { recordColumnProfiles } from '../../catalogue/column-profiles.ts';
import { recordCatalogueVersion } from '../../catalogue/catalogue-version.ts';
import { activityLogger, classifyErrors } from '../context.ts';
import type { CollectCheckpoint } from './collect-checkpoint.ts';
import { COLLECT_STEP } from './stage-collect.ts';
import { SOURCE_KEYS_STEP } from './stage-source-keys.ts';
import { deleteMissingKeys } from '../publish/delete-missing-keys.ts';

export interface PublishCollectInput {
  runId: string;
  spec: CollectJobSpec;
  durationMs: number;
}

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
    const attempt = Context.current().info.attempt;
    const summary = await publishStaged<CollectCheckpoint, PublishSummary>(runId, COLLECT_STEP, async (trx, state) => {
      const taken = filesTaken(state);
      for (const note of state.fileNotes ?? []) await recordRunWarning(trx, runId, note);
      if (taken?.length === 0) return withWarnings(await noNewFiles(trx, spec, runId, state, input.durationMs), state.fileNotes ?? []);
      const profiles = TableProfiler.fromState(state.profile as TableProfileState).results();
      // CSV columns were typed while staging; NDJSON (text format) is cast here, in one rewrite.
      const types =
        state.typing === 'cast-on-publish'
          ? await applyInferredTypes(trx, quoteTable(state.stagingTable), profiles)
          : new Map(state.columns.map((c) => [c.name, c.pgType]));
      const key = spec.target.mode === 'merge' ? publishedMergeKey(spec, state.columns) : undefined;
      const placed = await placeStagedTable(trx, spec, state.stagingTable, TARGET_SCHEMA[spec.kind], key);
      const { resource, version, target } = placed;
      // The watermark first: a key comparison is recorded on its row.
      if (placed.merge) await advanceWatermark(trx, spec, runId, state);
      // Keys gone from the source (target.deletes.compareKeys) leave the table before anything is counted.
      const merge = placed.merge && (await deleteMissingKeys(trx, { runId, step: SOURCE_KEYS_STEP, spec, key: key ?? [], merge: placed.merge }));
      const tableRef = `${target.schema}.${target.table}`;
      const rows = merge ? merge.rows : state.rows;
      if (taken) await recordCollectedFiles(trx, spec.dataset, runId, taken);
      for (const change of merge?.changes ?? []) await recordRunWarning(trx, runId, change);
      if (merge) for (const [name, type] of merge.columns) types.set(name, shortTypeName(type));
      await recordStepMetrics(trx, {
        run_id: runId,
        step: COLLECT_STEP,
        attempt: state.stagedAttempt ?? attempt,
        records_in: state.rows,
        records_out: merge ? merge.upserted : state.rows,
        records_rejected: 0,
        bytes: state.bytes,
        duration_ms: input.durationMs,
      });
      if (merge && resource && state.rows === 0 && merge.deleted === 0) {
        // Nothing changed since the last sync: no new catalogue version, indicators or profile.
        await recordRunCounts(trx, runId, { records_in: 0, records_out: 0, records_rejected: 0, accuracy: null });
        const unchanged: PublishSummary = {
          ...(await currentVersionSummary(trx, resource.id, tableRef, resource.current_version, rows)),
          ...(taken ? { files: taken.length } : {}),
        };
        return withWarnings(unchanged, [...(state.fileNotes ?? []), ...(merge?.changes ?? [])]);
      }
      // After a merge the catalogue describes the whole published table, not only the rows this run read.
      const published = merge ? await profileTable(trx, quoteTable(target), [...merge.columns.keys()], rows, state.timeZone) : profiles;
      const sensitivity = guessSensitivity(published.map((p) => p.semanticType));
      const schemaHash = createHash('sha256')
        .update(JSON.stringify(published.map((p) => [p.name, types.get(p.name)])))
        .digest('hex')
        .slice(0, 16);
      const resourceId = await recordCatalogueVersion(trx, { spec, resource, version, runId, target, rows, sensitivity, schemaHash });
      await recordColumnProfiles(trx, resourceId, version, published, types, labelsOf(state.columns));
      const figures = collectIndicators(published);
      await recordIndicators(trx, runId, COLLECT_STEP, tableRef, figures);
      const accuracyFigure = figures.find((f) => f.indicator === 'accuracy' && f.column === '');
      const completenessFigure = figures.find((f) => f.indicator === 'completeness' && f.column === '');
      const accuracy = accuracyFigure ? ratio(accuracyFigure.a, accuracyFigure.b) : null;
      await recordRunCounts(trx, runId, { records_in: state.rows, records_out: merge ? merge.upserted : state.rows, records_rejected: 0, accuracy });
      return withWarnings(
        {
          table: `${target.schema}.${target.physical}`,
          version,
          rows,
          columns: published.length,
          sensitivity: sensitivity.level,
          accuracy,
          completeness: completenessFigure ? ratio(completenessFigure.a, completenessFigure.b) : null,
          ...(merge ? { changed: merge.upserted, deleted: merge.deleted } : {}),
          ...(taken ? { files: taken.length } : {}),
        },
        [...(state.fileNotes ?? []), ...(merge?.changes ?? [])],
      );
    });
    activityLogger({ runId, step: COLLECT_STEP }).info(summary, 'published');
    return summary;
  });
}

function withWarnings(summary: PublishSummary, warnings: string[]): PublishSummary {
  return warnings.length ? { ...summary, warnings } : summary;
}

/** A folder source's files this run read to the end (a column change may have left the rest for later). */
function filesTaken(state: CollectCheckpoint) {
  if (!state.files) return undefined;
  return state.files.slice(0, state.position?.file ?? 0).map((f, i) => ({ ...f, rows: state.fileRows?.[i] ?? 0 }));
}

/** No new file since the last run: the published table, its catalogue version and indicators stay as they are. */
async function noNewFiles(trx: Knex.Transaction, spec: CollectJobSpec, runId: string, state: CollectCheckpoint, durationMs: number): Promise<PublishSummary> {
  const { schema, table } = splitTableRef(spec.target.table, TARGET_SCHEMA[spec.kind]);
  await claimTable(trx, `${schema}.${table}`, spec.dataset);
  const resource = await lockResource(trx, spec.dataset);
  if (!resource) throw new BadInputError(`no new file matches ${spec.source.type === 'file' ? spec.source.path : ''} and ${spec.dataset} was never published`);
  await trx.raw(`DROP TABLE IF EXISTS ${quoteTable(state.stagingTable)}`);
  await recordRunCounts(trx, runId, { records_in: 0, records_out: 0, records_rejected: 0, accuracy: null });
  await recordStepMetrics(trx, {
    run_id: runId,
    step: COLLECT_STEP,
    attempt: state.stagedAttempt ?? 1,
    records_in: 0,
    records_out: 0,
    records_rejected: 0,
    bytes: 0,
    duration_ms: durationMs,
  });
  return { ...(await currentVersionSummary(trx, resource.id, `${schema}.${table}`, resource.current_version, resource.row_count)), files: 0 };
}

/** A run that changed nothing reports the version that stays published, as the catalogue has it. */
async function currentVersionSummary(trx: Knex.Transaction, resourceId: number, table: string, version: number, rows: number): Promise<PublishSummary> {
  const resource = await trx('dataops.catalogue_resources').where({ id: resourceId }).first('sensitivity');
  const counted = await trx('dataops.catalogue_columns').where({ resource_id: resourceId, version }).count({ n: '*' });
  return {
    table,
    version,
    rows,
    columns: Number(counted[0]?.n ?? 0),
    sensitivity: resource?.sensitivity ?? '',
    accuracy: null,
    completeness: null,
    changed: 0,
    deleted: 0,
  };
}

/** The (cursor, key) of the last row this run read becomes the dataset's watermark, with the rows. */
async function advanceWatermark(trx: Knex.Transaction, spec: CollectJobSpec, runId: string, state: CollectCheckpoint): Promise<void> {
  const source = spec.source;
  if (source.type === 'file' || !source.incremental) return;
  const { lastCursor, lastKey } = state.position ?? {};
  if (state.rows === 0 || lastCursor == null || lastKey == null) return;
  const keyColumn = source.incremental.key ?? source.key!;
  await recordWatermark(trx, spec.dataset, { cursorColumn: source.incremental.cursor, keyColumn, cursor: lastCursor, key: lastKey, runId });
}
