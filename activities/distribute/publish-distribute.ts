import { Context } from '@temporalio/activity';
import type { DistributeJobSpec } from '../../schemas/job-spec.ts';
import type { DistributePublishSummary } from '../../schemas/distribute-run.ts';
import { recordRunCounts } from '../../catalogue/runs.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { openTarget } from './open-target.ts';
import { DISTRIBUTE_STEP } from './stage-distribute.ts';
import { ReconciliationError } from './reconciliation-error.ts';
import { describeDifferences, reconcileDistribution, withReconcileSession } from './reconcile-distribution.ts';
import { messageKey } from '../../governance/masking/display.ts';
import type { Knex } from 'knex';
import type { TargetRef, TargetTables } from '../../connectors/target-tables.ts';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { applyIncremental } from './apply-delta.ts';
import { distributionSyncName } from './stage-distribute.ts';
import { recordWatermark } from '../../catalogue/watermarks.ts';
import { lastKeyComparison, recordKeyComparison } from '../../catalogue/key-comparisons.ts';
import { keyComparisonDue } from '../../governance/key-comparison.ts';
import { durationMs } from '../../schemas/duration.ts';
import { recordAudit } from '../../catalogue/audit.ts';
import { specHash } from '../../governance/spec-hash.ts';
import { startedBy } from '../audit/started-by.ts';

export interface PublishDistributeInput {
  runId: string;
  spec: DistributeJobSpec;
  durationMs: number;
  /** The time the run is for: whether an incremental run's key comparison is due is measured between logical dates. */
  logicalDate?: string;
  /** How the audit log records the run when it is not a distribution of its own (a share to a table). */
  auditAs?: { action: 'share'; specHash: string; recipient: string; details: Record<string, unknown> };
}

/**
 * Swaps the loaded shadow table in for the target in one atomic step, after counting that it holds
 * exactly the rows read, and records the step in the centre. The centre's checkpoint row is locked
 * throughout; a retry after the swap (the shadow gone, the target holding the rows) records it as done.
 */
export async function publishDistribute(input: PublishDistributeInput): Promise<DistributePublishSummary> {
  return classifyErrors(async () => {
    const { runId } = input;
    const attempt = Context.current().info.attempt;
    // Read before the transaction: a call to the Temporal server should not hold the checkpoint lock.
    const starter = await startedBy();
    const summary = await activityDb().transaction(async (trx) => {
      const row = (await trx('dataops.checkpoints').where({ run_id: runId, step: DISTRIBUTE_STEP }).forUpdate().first()) as
        | CheckpointRow<DistributeCheckpoint & { publish?: DistributePublishSummary }>
        | undefined;
      if (!row) throw new Error(`no staged rows for run ${runId}`);
      if (row.status === 'published') return row.state.publish!;
      if (row.status !== 'staged') throw new Error(`run ${runId} is not fully staged (status ${row.status})`);
      const state = row.state;
      const tables = await openTarget(activityConfig(), state.connection);
      try {
        // A checkpoint from before incremental mode existed is a full distribution's.
        const published = state.mode === 'incremental' ? await publishIncremental(trx, tables, input, state) : await swapInFull(tables, state);
        await recordStepMetrics(trx, {
          run_id: runId,
          step: DISTRIBUTE_STEP,
          attempt: state.stagedAttempt ?? attempt,
          records_in: state.rows,
          records_out: state.rows,
          records_rejected: 0,
          bytes: state.bytes,
          duration_ms: input.durationMs,
        });
        await recordRunCounts(trx, runId, { records_in: state.rows, records_out: state.rows, records_rejected: 0, accuracy: null });
        // In this transaction, after the early return for a published run: one entry per distribution, however often retried.
        await recordAudit(trx, {
          actor: starter.identity,
          action: input.auditAs?.action ?? 'distribute',
          runId,
          job: input.spec.job,
          dataset: input.spec.dataset,
          department: input.spec.department,
          recipient: input.auditAs?.recipient ?? state.connection,
          specHash: input.auditAs?.specHash ?? specHash(input.spec),
          rows: state.rows,
          columns: state.targetColumns.map((c) => c.name),
          masking: state.masking,
          details: {
            table: published.table,
            connection: state.connection,
            sourceTable: state.sourceTable,
            mode: state.mode ?? 'full',
            startedBy: starter,
            ...input.auditAs?.details,
          },
        });
        await trx('dataops.checkpoints')
          .where({ run_id: runId, step: DISTRIBUTE_STEP })
          .update({ status: 'published', state: JSON.stringify({ ...state, publish: published }), updated_at: trx.fn.now() });
        return published;
      } finally {
        await tables.close();
      }
    });
    activityLogger({ runId, step: DISTRIBUTE_STEP }).info(summary, 'distributed');
    return summary;
  });
}

/** What every published distribution reports, beside what its mode adds. */
function publishedSummary(tables: TargetTables, state: DistributeCheckpoint, rows: number): DistributePublishSummary {
  return {
    table: tables.label(state.target),
    connection: state.connection,
    rows,
    columns: state.targetColumns.length,
    reconciled: true,
    masked: Object.fromEntries(Object.entries(state.masking.masks).filter(([, mask]) => mask !== 'none')),
    ...(state.masking.keyVersion ? { keyVersion: state.masking.keyVersion } : {}),
  };
}

/**
 * A full distribution: the shadow, counted and reconciled, swapped in. A retry after the swap (the
 * shadow gone, the target holding the rows) counts the target and records the run as done.
 */
async function swapInFull(tables: TargetTables, state: DistributeCheckpoint): Promise<DistributePublishSummary> {
  const notSwapped = (ref: TargetRef, counted: number) =>
    new ReconciliationError(`${tables.label(ref)} holds ${counted} rows, ${state.rows} were read from ${state.sourceTable}: not swapped in`);
  if (!(await tables.columnsOf(state.shadow))) {
    const counted = await tables.count(state.target);
    if (counted !== state.rows) throw notSwapped(state.target, counted);
    return publishedSummary(tables, state, state.rows);
  }
  // Reconciliation counts the shadow's rows as it hashes them: no separate count(*) pass.
  const report = await withReconcileSession(activityConfig().databaseUrl, (centre) => reconcileDistribution(centre, tables, state, state.shadow));
  if (report.targetRows !== state.rows) throw notSwapped(state.shadow, report.targetRows);
  if (report.keys.length || report.sourceRows !== report.targetRows || report.differingRanges) {
    throw new ReconciliationError(
      `${tables.label(state.shadow)} does not match ${state.sourceTable}: ${describeDifferences(report, messageKey(state.keyLevel))}; not swapped in`,
    );
  }
  await tables.swap(state.shadow, state.target);
  return { ...publishedSummary(tables, state, state.rows), reconciliation: { ranges: report.ranges, columns: report.columns.length } };
}

/**
 * An incremental distribution: the staged changes applied to the target (committed there first), then
 * the watermark advanced in the centre's transaction. A retry after the target committed applies the
 * same staged rows again, which changes nothing: the watermark only moves past rows the target holds.
 */
async function publishIncremental(
  trx: Knex.Transaction,
  tables: TargetTables,
  input: PublishDistributeInput,
  state: DistributeCheckpoint,
): Promise<DistributePublishSummary> {
  const { spec, runId } = input;
  const name = distributionSyncName(spec);
  const compare = spec.target.deletes?.compareKeys;
  const runAt = input.logicalDate ? new Date(input.logicalDate) : new Date();
  const compareKeys = compare && !state.fresh && keyComparisonDue(await lastKeyComparison(trx, name), runAt, durationMs(compare.every)!);
  const outcome = await withReconcileSession(activityConfig().databaseUrl, (centre) =>
    applyIncremental(centre, tables, state, compareKeys ? { compareKeys: { maxDeleteFraction: compare.maxDeleteFraction } } : {}),
  );
  const at = state.position?.lastCursor != null ? { cursor: state.position.lastCursor, key: state.position.lastKey! } : undefined;
  if (at) await recordWatermark(trx, name, { cursorColumn: state.cursorColumn!, keyColumn: state.key, cursor: at.cursor, key: at.key, runId });
  // A fresh load holds every key the centre has: as good as a comparison.
  if (compareKeys || (state.fresh && compare)) await recordKeyComparison(trx, name, runAt);
  await trx.raw(`DROP TABLE IF EXISTS ${quoteTable(state.stagingTable)}`);
  return {
    ...publishedSummary(tables, state, outcome.rows),
    reconciliation: { ranges: outcome.report.ranges, columns: outcome.report.columns.length },
    incremental: {
      sent: state.rows,
      upserted: outcome.upserted,
      deleted: outcome.deleted,
      pending: outcome.pending,
      kept: outcome.kept,
      fresh: Boolean(state.fresh),
    },
  };
}
