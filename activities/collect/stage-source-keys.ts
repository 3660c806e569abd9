import { Context } from '@temporalio/activity';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import { publishedMergeKey } from './published-key.ts';
import type { QuerySource, TableSource } from '../../schemas/sources.ts';
import type { KeySnapshotSummary } from '../../schemas/collect-run.ts';
import { durationMs } from '../../schemas/duration.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { keyComparisonDue } from '../../governance/key-comparison.ts';
import { lastKeyComparison } from '../../catalogue/key-comparisons.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { stageBatches, type StagedState, type StageService } from '../staging/batch-stager.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import type { KeySnapshotState } from '../publish/delete-missing-keys.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import type { CollectCheckpoint } from './collect-checkpoint.ts';
import { COLLECT_STEP } from './stage-collect.ts';

export const SOURCE_KEYS_STEP = 'source_keys';

export interface StageSourceKeysInput {
  runId: string;
  spec: CollectJobSpec;
  /** The time the run is for: whether a comparison is due is measured between logical dates. */
  logicalDate?: string;
}

/** The key snapshot's checkpoint: the shared staging state and what publishing needs of it. */
export type SourceKeysCheckpoint = StagedState & KeySnapshotState;

/**
 * Copies every key of the source into a run-scoped table of the centre database, for publishing to
 * delete the published rows whose keys are gone (see publish/delete-missing-keys.ts). Runs after the
 * changed rows were staged: a key this run staged that still exists is in the snapshot, and one deleted
 * since is rightly deleted. Keys are read by their source names and stored under their published ones;
 * rows with a NULL in any key column are left out (they match nothing). A retry starts the copy over;
 * a retry after it finished returns the finished snapshot. Not due (compared less than `every` ago):
 * nothing is copied and publishing deletes nothing.
 */
export async function stageSourceKeys(input: StageSourceKeysInput): Promise<KeySnapshotSummary> {
  return classifyErrors(async () => {
    const { runId, spec } = input;
    const compare = spec.target.deletes?.compareKeys;
    const source = spec.source;
    if (!compare || source.type === 'file') throw new BadInputError('stageSourceKeys needs a table or query source with target.deletes.compareKeys');
    const runAt = input.logicalDate ? new Date(input.logicalDate) : new Date();
    const last = await lastKeyComparison(activityDb(), spec.dataset);
    const log = activityLogger({ runId, step: SOURCE_KEYS_STEP });
    if (!keyComparisonDue(last, runAt, durationMs(compare.every)!)) {
      log.info({ lastCompared: last, every: compare.every }, 'key comparison not due');
      return { compared: false, keys: 0, attempt: Context.current().info.attempt, lastCompared: last?.toISOString() };
    }
    const columns = await keyColumns(runId, spec);
    return withKeepAlive((beat) => stageBatches(keysService(input, source, columns, runAt), beat));
  });
}

/** The key columns under their published names and staged types, with their names in the source. */
async function keyColumns(runId: string, spec: CollectJobSpec): Promise<(ColumnInfo & { sourceName: string })[]> {
  const row = (await activityDb()('dataops.checkpoints').where({ run_id: runId, step: COLLECT_STEP }).first()) as CheckpointRow<CollectCheckpoint> | undefined;
  if (row?.status !== 'staged') throw new Error(`run ${runId}: the changed rows must be staged before the source's keys are copied`);
  const staged = row.state.columns;
  return publishedMergeKey(spec, staged)!.map((name) => {
    const column = staged.find((c) => c.name === name);
    if (!column) throw new BadInputError(`target.key column "${name}" is not among the published columns (${staged.map((c) => c.name).join(', ')})`);
    // A renamed column keeps its source name as its label (activities/staging/open-source.ts).
    return { name, pgType: column.pgType, sourceName: column.label ?? column.name };
  });
}

/** Every non-NULL key of the source, by the source's column names. */
export function sourceKeysSql(source: TableSource | QuerySource, sourceNames: readonly string[]): string {
  const from = source.type === 'table' ? quoteTable(source.table) : `(${source.sql}) AS q`;
  const names = sourceNames.map(quoteIdent);
  return `SELECT ${names.join(', ')} FROM ${from} WHERE ${names.map((n) => `${n} IS NOT NULL`).join(' AND ')}`;
}

function keysService(
  { runId, spec }: StageSourceKeysInput,
  source: TableSource | QuerySource,
  columns: (ColumnInfo & { sourceName: string })[],
  runAt: Date,
): StageService<SourceKeysCheckpoint, KeySnapshotSummary> {
  const stagingTable = stagingTableName(runId, SOURCE_KEYS_STEP);
  const keysSource: QuerySource = {
    type: 'query',
    connection: source.connection,
    sql: sourceKeysSql(
      source,
      columns.map((c) => c.sourceName),
    ),
    columns: Object.fromEntries(columns.map((c) => [c.sourceName, c.name])),
    columnNames: 'keep',
  };
  return {
    runId,
    step: SOURCE_KEYS_STEP,
    batchRows: spec.options.batchRows,
    openSource: () => openSourceReader(activityConfig(), keysSource, undefined),
    // A snapshot is one pass over the source: a retry copies it again from the start.
    canResume: () => false,
    discard: async (client) => {
      await client.query(`DROP TABLE IF EXISTS ${quoteTable(stagingTable)}`);
    },
    async start(opened) {
      const read = opened.reader.columns.map((c) => c.name).join();
      if (read !== columns.map((c) => c.name).join()) throw new Error(`source keys came back as (${read}), expected (${columns.map((c) => c.name).join()})`);
      const state: SourceKeysCheckpoint = {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        // Staged under the published names and types, so publishing compares like with like.
        columns: columns.map(({ name, pgType }) => ({ name, pgType })),
        stagingTable,
        comparedFor: runAt.toISOString(),
      };
      return { state, transform: { absorb: (chunk, sink) => sink.write(chunk.payload) } };
    },
    summary: (s, attempt) => ({ compared: true, keys: s.rows, attempt, table: s.stagingTable }),
  };
}
