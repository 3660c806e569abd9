import { ActivityCancellationType, upsertSearchAttributes } from '@temporalio/workflow';
import type { StageSummary } from '../schemas/collect-run.ts';
import { combinedStageSummary, runRanges } from './parallel-ranges.ts';
import type { DistributeResult, DistributeWorkflowInput } from '../schemas/distribute-run.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

/**
 * Table distribution. Full: copy a governed centre table into a shadow table in the department's
 * database in checkpointed batches, then swap it in for the target atomically, after reconciling it.
 * Incremental: stage the rows changed since the last run in the centre, then upsert them into the
 * target in one transaction, reconciled before the commit, and advance the watermark after it.
 */
export async function distribute(input: DistributeWorkflowInput): Promise<DistributeResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'distribute' });
    const parallelism = spec.target.mode === 'full' ? (spec.source.parallelism ?? 1) : 1;
    const stage =
      parallelism > 1
        ? await stageInRanges(input, runId, logicalDate, parallelism)
        : await bookkeeping.stageDistribute.executeWithOptions(
            {
              startToCloseTimeout: '12 hours',
              heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
              retry: DATA_RETRY,
              summary:
                spec.target.mode === 'incremental'
                  ? `stage the rows changed since the last run for ${spec.target.table} on ${spec.target.connection}, in batches of ${spec.options.batchRows}`
                  : `load ${spec.target.table} on ${spec.target.connection} beside the live table, in batches of ${spec.options.batchRows}`,
            },
            [{ runId, spec, logicalDate }],
          );
    progress.set({ phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches });
    const publish = await bookkeeping.publishDistribute.executeWithOptions(
      {
        startToCloseTimeout: '30 minutes',
        retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
        summary:
          spec.target.mode === 'incremental'
            ? `upsert the changes into ${spec.target.table} on ${spec.target.connection}, reconcile, then advance the watermark`
            : `count and swap in ${spec.target.table} on ${spec.target.connection}`,
      },
      [{ runId, spec, durationMs: Date.now() - started, logicalDate }],
    );
    upsertSearchAttributes([{ key: DataOpsRecords, value: publish.rows }]);
    return { runId, stage, publish };
  });
}

/**
 * source.parallelism > 1: plan the key ranges (and make their one shadow in the department's
 * database), copy every range at once, each by its own activity on any worker, then fold their
 * checkpoints into the run's one `distribute` checkpoint, so one publish reconciles and swaps it in.
 */
async function stageInRanges(input: DistributeWorkflowInput, runId: string, logicalDate: string | undefined, parallelism: number): Promise<StageSummary> {
  const { spec } = input;
  const plan = await bookkeeping.planDistributeRanges.executeWithOptions(
    {
      startToCloseTimeout: '30 minutes',
      retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
      summary: `split ${spec.source.table ?? spec.source.dataset ?? spec.dataset} into ${parallelism} key ranges and create the shadow of ${spec.target.table}`,
    },
    [{ runId, spec, logicalDate }],
  );
  const ranges = await runRanges(plan.ranges, (range) =>
    bookkeeping.stageDistributeRange.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: DATA_RETRY,
        cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        summary: `load key range ${range + 1} of ${plan.ranges} into the shadow of ${spec.target.table} on ${spec.target.connection}, in batches of ${spec.options.batchRows}`,
      },
      [{ runId, spec, logicalDate, range }],
    ),
  );
  await bookkeeping.combineDistributeRanges({ runId, ranges: plan.ranges });
  return combinedStageSummary(ranges);
}
