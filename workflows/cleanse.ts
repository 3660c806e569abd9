import { upsertSearchAttributes } from '@temporalio/workflow';
import type { CleanseResult, CleanseWorkflowInput } from '../schemas/cleanse-run.ts';
import { DataOpsAccuracy, DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { sourceLabel } from './source-label.ts';
import { runContext } from './run-context.ts';

/**
 * Basic and deep governance: normalise, validate and de-duplicate the source in checkpointed batches,
 * quarantining every rejected record with its rule and reason, then publish the clean table atomically
 * with its quality indicators.
 */
export async function cleanse(input: CleanseWorkflowInput): Promise<CleanseResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'cleanse' });
    const stage = await bookkeeping.stageCleanse.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: DATA_RETRY,
        summary: `cleanse ${sourceLabel(spec.source)} with ${Object.keys(spec.rules.columns ?? {}).length} column rule sets`,
      },
      [{ runId, spec, logicalDate }],
    );
    progress.set({ phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches });
    const publish = await bookkeeping.publishCleanse.executeWithOptions(
      {
        startToCloseTimeout: '30 minutes',
        retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
        summary: `publish ${spec.target.table} (${spec.target.mode}) with quality indicators`,
      },
      [{ runId, spec, durationMs: Date.now() - started }],
    );
    upsertSearchAttributes([
      { key: DataOpsRecords, value: publish.published },
      ...(publish.accuracy === null ? [] : [{ key: DataOpsAccuracy, value: publish.accuracy }]),
    ]);
    return { runId, stage, publish };
  });
}
