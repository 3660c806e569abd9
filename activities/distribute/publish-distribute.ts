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
import { BadInputError } from '../../errors/bad-input.ts';
import { describeDifferences, reconcileDistribution, withReconcileSession } from './reconcile-distribution.ts';
import { recordAudit } from '../../catalogue/audit.ts';
import { specHash } from '../../governance/spec-hash.ts';
import { startedBy } from '../audit/started-by.ts';

export interface PublishDistributeInput {
  runId: string;
  spec: DistributeJobSpec;
  durationMs: number;
}

/** The loaded table does not hold the rows that were read: nothing is swapped in, and retrying cannot fix it. */
export class ReconciliationError extends BadInputError {}

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
        const loaded = (await tables.columnsOf(state.shadow)) ? await tables.count(state.shadow) : undefined;
        const counted = loaded ?? (await tables.count(state.target));
        if (counted !== state.rows) {
          throw new ReconciliationError(
            `${tables.label(loaded === undefined ? state.target : state.shadow)} holds ${counted} rows, ${state.rows} were read from ${state.sourceTable}: not swapped in`,
          );
        }
        let reconciliation: DistributePublishSummary['reconciliation'];
        if (loaded !== undefined) {
          const report = await withReconcileSession(activityConfig().databaseUrl, (centre) => reconcileDistribution(centre, tables, state, state.shadow));
          if (report.keys.length || report.sourceRows !== report.targetRows || report.differingRanges) {
            throw new ReconciliationError(`${tables.label(state.shadow)} does not match ${state.sourceTable}: ${describeDifferences(report)}; not swapped in`);
          }
          reconciliation = { ranges: report.ranges, columns: report.columns.length };
          await tables.swap(state.shadow, state.target);
        }
        const published: DistributePublishSummary = {
          table: tables.label(state.target),
          connection: state.connection,
          rows: state.rows,
          columns: state.targetColumns.length,
          reconciled: true,
          ...(reconciliation ? { reconciliation } : {}),
          masked: Object.fromEntries(Object.entries(state.masking.masks).filter(([, mask]) => mask !== 'none')),
          ...(state.masking.keyVersion ? { keyVersion: state.masking.keyVersion } : {}),
        };
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
          action: 'distribute',
          runId,
          job: input.spec.job,
          dataset: input.spec.dataset,
          department: input.spec.department,
          recipient: state.connection,
          specHash: specHash(input.spec),
          rows: state.rows,
          columns: state.targetColumns.map((c) => c.name),
          masking: state.masking,
          details: { table: published.table, sourceTable: state.sourceTable, startedBy: starter },
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
