import { upsertSearchAttributes } from '@temporalio/workflow';
import type { ShareResult, ShareWorkflowInput } from '../schemas/share-run.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

/**
 * Data sharing: the rows a structured filter keeps, masked for the consumer, staged in batches (into
 * a shadow table on the consumer's database, or files in a hidden folder), then published in one step
 * (table swap, or folder rename with its manifest). Expiry and leaks are refused before any row moves.
 */
export async function share(input: ShareWorkflowInput): Promise<ShareResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  const where =
    'table' in spec.output
      ? `${spec.output.table.connection}:${spec.output.table.table}`
      : `${spec.output.files.format} files on ${spec.output.files.connection}`;
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'share' });
    const stage = await bookkeeping.stageShare.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: DATA_RETRY,
        summary: `extract for ${spec.consumer} into ${where}, in batches of ${spec.options.batchRows}`,
      },
      [{ runId, spec }],
    );
    progress.set({ phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches });
    const publish = await bookkeeping.publishShare.executeWithOptions(
      {
        startToCloseTimeout: '30 minutes',
        retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
        summary: `check and publish the extract for ${spec.consumer} (${where})`,
      },
      [{ runId, spec, durationMs: Date.now() - started }],
    );
    upsertSearchAttributes([{ key: DataOpsRecords, value: publish.rows }]);
    return { runId, stage, publish };
  });
}
