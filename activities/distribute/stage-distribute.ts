import { outgoingMasks } from './outgoing-masks.ts';
import { Context } from '@temporalio/activity';
import type { DistributeJobSpec } from '../../schemas/job-spec.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { activityConfig, activityDb, classifyErrors } from '../context.ts';
import { stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { openTarget, targetKind } from './open-target.ts';
import { planDistribution, shadowRef, type DistributionPlan } from './plan-distribution.ts';
import { openShadowSink } from './shadow-sink.ts';
import { maxUnmaskedLevel } from '../../config/connections.ts';
import type { BatchSink, SinkInit } from '../staging/batch-sink.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import { getWatermark } from '../../catalogue/watermarks.ts';
import { rangeStep, type KeyRange } from '../../governance/key-ranges.ts';
import type { RowFilter } from '../../schemas/row-filter.ts';

export const DISTRIBUTE_STEP = 'distribute';

export interface StageDistributeInput {
  runId: string;
  spec: DistributeJobSpec;
  /** The time the run is for: an incremental distribution reads no row changed after it. */
  logicalDate?: string;
  /** Only the rows this keeps are sent (a share to a table). */
  filter?: RowFilter;
}

/** Where an incremental distribution's watermark is kept (beside the datasets' own, under a name no dataset can have). */
export function distributionSyncName(spec: DistributeJobSpec): string {
  return `distribute:${spec.job}`;
}

/**
 * Copies the centre table into a shadow table beside the target, in committed, checkpointed batches
 * through the batch stager. The target itself is untouched until publishing swaps the shadow in.
 */
export async function stageDistribute(input: StageDistributeInput): Promise<StageSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const { plan, sync } = await prepareDistribution(input);
      return stageBatches(distributeService(input, plan, sync), beat);
    }),
  );
}

/**
 * Plans a distribution and checks its target, before any row moves: what is read and how it is
 * masked and typed (see planDistribution), whether the target's columns allow it, and for an
 * incremental run where the last run stopped.
 */
export async function prepareDistribution(input: StageDistributeInput): Promise<{ plan: DistributionPlan; sync: SyncStart }> {
  const config = activityConfig();
  const kind = targetKind(config, input.spec.target.connection);
  const client = await connectPostgres(config.databaseUrl, { application: 'dataops-distribute', label: 'the centre database' });
  let plan: DistributionPlan;
  try {
    plan = await planDistribution(activityDb(), client, input.spec, kind, maxUnmaskedLevel(config, input.spec.target.connection), input.filter);
  } finally {
    await client.end().catch(() => undefined);
  }
  const fresh = await targetSituation(input.spec, plan);
  const syncedUpTo = input.spec.target.mode === 'incremental' && !fresh ? await distributionWatermark(input.spec) : undefined;
  return { plan, sync: { fresh: fresh || !syncedUpTo, syncedUpTo } };
}

/**
 * Checks the target against the columns this run sends, before any row moves: `fail` refuses other
 * columns, `add_columns` refuses one that would go, `rebuild` takes anything. True when the target
 * must be loaded whole (it does not exist, or its columns change).
 */
async function targetSituation(spec: DistributeJobSpec, plan: DistributionPlan): Promise<boolean> {
  const tables = await openTarget(activityConfig(), spec.target.connection);
  try {
    const existing = await tables.columnsOf(plan.target);
    if (!existing) return true;
    const have = existing.map((c) => c.name);
    const want = plan.targetColumns.map((c) => c.name);
    if (have.join('\u0000') === want.join('\u0000')) return false;
    const label = tables.label(plan.target);
    if (spec.target.schemaChange === 'fail') {
      throw new BadInputError(
        `${label} has the columns (${have.join(', ')}), this distribution sends (${want.join(', ')}); ` +
          'set target.schemaChange: add_columns to add the new ones, or rebuild to replace the table',
      );
    }
    const dropped = have.filter((c) => !want.includes(c));
    if (spec.target.schemaChange === 'add_columns' && dropped.length) {
      throw new BadInputError(
        `${label} has ${dropped.join(', ')}, which this distribution does not send: add_columns never drops a column; ` +
          'send them (source.columns) or set target.schemaChange: rebuild',
      );
    }
    return true;
  } finally {
    await tables.close();
  }
}

/** Where the distribution's last published run stopped, checked against the columns the spec syncs by. */
async function distributionWatermark(spec: DistributeJobSpec): Promise<{ cursor: string; key: string } | undefined> {
  const name = distributionSyncName(spec);
  const watermark = await getWatermark(activityDb(), name);
  if (!watermark) return undefined;
  if (watermark.cursorColumn !== spec.source.incremental!.cursor) {
    throw new BadInputError(
      `${spec.job} was distributed by the cursor ${watermark.cursorColumn}, the spec now says ${spec.source.incremental!.cursor}; ` +
        `to send the whole table again by the new cursor: dataops watermarks reset ${name}`,
    );
  }
  return { cursor: watermark.cursor, key: watermark.key };
}

export interface SyncStart {
  /** Every row is sent: no watermark yet, no target, or a new table shape. */
  fresh: boolean;
  syncedUpTo?: { cursor: string; key: string };
}

/** One key range of a split distribution: its place in the run's plan and its bounds. */
export interface RangeShare {
  index: number;
  range: KeyRange;
}

export function distributeService(
  { runId, spec, logicalDate }: StageDistributeInput,
  plan: DistributionPlan,
  sync: SyncStart,
  split?: RangeShare,
): StageService<DistributeCheckpoint, StageSummary> {
  const attempt = Context.current().info.attempt;
  const incremental = spec.target.mode === 'incremental';
  // A key that orders alike everywhere (an integer) lets an attempt resume in the run's one shadow
  // table; otherwise each attempt loads its own, so one superseded but still running cannot mix in.
  // (An incremental run fills its shadow, if it needs one, at publishing.)
  const shadow = shadowRef(plan.target, runId, plan.resumable || incremental ? undefined : attempt);
  const outgoing = outgoingMasks(activityConfig(), plan);
  return {
    runId,
    step: split ? rangeStep(DISTRIBUTE_STEP, split.index) : DISTRIBUTE_STEP,
    batchRows: spec.options.batchRows,
    // The ranges of a split distribution load one shadow, made by the planner before any of them starts.
    sharedTable: Boolean(split),
    // An incremental run stages the changed rows in the centre, resumable by (cursor, key) like a collection.
    openSource: (position, committed) =>
      openSourceReader(activityConfig(), plan.source, position, {
        syncedUpTo: position || committed?.fresh || sync.fresh ? undefined : sync.syncedUpTo,
        notAfter: logicalDate,
        ...(split ? { range: split.range } : {}),
      }),
    canResume: (committed, source) =>
      incremental ? committed.mode === 'incremental' && source.resumable : plan.resumable && committed.shadow.table === shadow.table && source.resumable,
    async start(source, committed) {
      const state: DistributeCheckpoint = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns: source.reader.columns,
        stagingTable: incremental
          ? stagingTableName(runId, DISTRIBUTE_STEP)
          : `${spec.target.connection}:${shadow.schema ? `${shadow.schema}.` : ''}${shadow.table}`,
        mode: spec.target.mode,
        ...(incremental
          ? { fresh: sync.fresh, cursorColumn: spec.source.incremental!.cursor, ...(sync.fresh || !sync.syncedUpTo ? {} : { syncedFrom: sync.syncedUpTo }) }
          : {}),
        ...(spec.target.deletes?.column ? { deletedFlag: spec.target.deletes.column } : {}),
        sourceTable: plan.sourceTable,
        connection: spec.target.connection,
        target: plan.target,
        shadow,
        targetColumns: plan.targetColumns,
        sourceColumns: plan.sourceColumns,
        key: plan.key,
        ...(plan.keyLevel ? { keyLevel: plan.keyLevel } : {}),
        resumable: plan.resumable,
        masking: outgoing.record,
        ...(plan.where ? { where: plan.where } : {}),
        ...(split ? { range: split.range } : {}),
      };
      return {
        state,
        transform: {
          async absorb(chunk, sink) {
            await sink.write(outgoing.payload(chunk));
          },
        },
      };
    },
    openSink: incremental ? undefined : openDepartmentSink,
    summary: (s, at, resumedFromRow) => ({ rows: s.rows, bytes: s.bytes, batches: s.batches, attempt: at, resumedFromRow, stagingTable: s.stagingTable }),
  };

  async function openDepartmentSink(init: SinkInit, state: DistributeCheckpoint): Promise<BatchSink> {
    const tables = await openTarget(activityConfig(), state.connection);
    // Shadows of earlier attempts that could not resume are dropped, not left in the department's database.
    for (let a = 1; !plan.resumable && a < attempt; a++) await tables.drop(shadowRef(plan.target, runId, a));
    return openShadowSink(init, state, tables);
  }
}
