import { upsertSearchAttributes } from '@temporalio/workflow';
import type { DistributeResult, DistributeWorkflowInput } from '../schemas/distribute-run.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

/**
 * Table distribution: copy a governed centre table into a shadow table in the department's database
 * in checkpointed batches, then swap it in for the target atomically, after counting its rows.
 */
export async function distribute(input: DistributeWorkflowInput): Promise<DistributeResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'distribute' });
    const stage = await bookkeeping.stageDistribute.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: DATA_RETRY,
        summary: `load ${spec.target.table} on ${spec.target.connection} beside the live table, in batches of ${spec.options.batchRows}`,
      },
      [{ runId, spec }],
    );
    progress.set({ phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches });
    const publish = await bookkeeping.publishDistribute.executeWithOptions(
      {
        startToCloseTimeout: '30 minutes',
        retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
        summary: `count and swap in ${spec.target.table} on ${spec.target.connection}`,
      },
      [{ runId, spec, durationMs: Date.now() - started }],
    );
    upsertSearchAttributes([{ key: DataOpsRecords, value: publish.rows }]);
    return { runId, stage, publish };
  });
}
