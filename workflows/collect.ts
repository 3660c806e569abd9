import { ActivityCancellationType, upsertSearchAttributes } from '@temporalio/workflow';
import { combinedStageSummary, runRanges } from './parallel-ranges.ts';
import type { CollectResult, CollectWorkflowInput, StageSummary } from '../schemas/collect-run.ts';
import { DataOpsAccuracy, DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { sourceLabel } from './source-label.ts';
import { runContext } from './run-context.ts';

/**
 * Collection and resource cataloguing: stage the source into a run-scoped table in checkpointed
 * batches, then publish it atomically with its catalogue entry, profile and metrics.
 */
export async function collect(input: CollectWorkflowInput): Promise<CollectResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'collect' });
    const parallelism = spec.source.type === 'file' ? 1 : (spec.source.parallelism ?? 1);
    const stage =
      parallelism > 1
        ? await stageInRanges(input, runId, parallelism, progress)
        : await bookkeeping.stageCollect.executeWithOptions(
            {
              startToCloseTimeout: '12 hours',
              heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
              retry: DATA_RETRY,
              summary: `stage ${sourceLabel(spec.source)} in batches of ${spec.options.batchRows}`,
            },
            [{ runId, spec, logicalDate }],
          );
    // After staging: every key staged that still exists is in the snapshot (see stage-source-keys.ts).
    const keys = spec.target.deletes?.compareKeys
      ? await bookkeeping.stageSourceKeys.executeWithOptions(
          {
            startToCloseTimeout: '12 hours',
            heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
            retry: DATA_RETRY,
            summary: `copy the keys of ${sourceLabel(spec.source)} to find deletes (at most every ${spec.target.deletes.compareKeys.every})`,
          },
          [{ runId, spec, logicalDate }],
        )
      : undefined;
    progress.set({ phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches });
    const publish = await bookkeeping.publishCollect.executeWithOptions(
      {
        startToCloseTimeout: '30 minutes',
        retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
        summary: `publish ${spec.target.table} (${spec.target.mode}) and catalogue ${spec.dataset}`,
      },
      [{ runId, spec, durationMs: Date.now() - started }],
    );
    upsertSearchAttributes([
      { key: DataOpsRecords, value: publish.rows },
      ...(publish.accuracy === null ? [] : [{ key: DataOpsAccuracy, value: publish.accuracy }]),
    ]);
    return { runId, stage, ...(keys ? { keys } : {}), publish };
  });
}

/**
 * source.parallelism > 1: plan the key ranges (and make their one staging table), stage every range
 * at once, each by its own activity on any worker, then fold their checkpoints into the run's one
 * `collect` checkpoint, so a single publish swaps in all the rows as one catalogue version.
 */
async function stageInRanges(input: CollectWorkflowInput, runId: string, parallelism: number, progress: ProgressState): Promise<StageSummary> {
  const { spec, logicalDate } = input;
  const plan = await bookkeeping.planCollectRanges.executeWithOptions(
    {
      startToCloseTimeout: '30 minutes',
      retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
      summary: `split ${sourceLabel(spec.source)} into ${parallelism} key ranges`,
    },
    [{ runId, spec }],
  );
  if (plan.estimatedRows) progress.set({ totalRows: plan.estimatedRows });
  // One range failing (bad input, retries used up) stops the others before the run drops its staging.
  const ranges = await runRanges(plan.ranges, (range) =>
    bookkeeping.stageCollectRange.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: DATA_RETRY,
        cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
        summary: `stage key range ${range + 1} of ${plan.ranges} (${plan.method} split) of ${sourceLabel(spec.source)} in batches of ${spec.options.batchRows}`,
      },
      [{ runId, spec, logicalDate, range }],
    ),
  );
  await bookkeeping.combineCollectRanges({ runId, ranges: plan.ranges });
  return combinedStageSummary(ranges);
}
