import { upsertSearchAttributes } from '@temporalio/workflow';
import type { CollectResult, CollectWorkflowInput } from '../schemas/collect-run.ts';
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
    const stage = await bookkeeping.stageCollect.executeWithOptions(
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
