import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type * as activities from '../activities/index.ts';
import type { CollectResult, CollectWorkflowInput } from '../schemas/collect-run.ts';
import type { Progress } from '../schemas/progress.ts';
import { DataOpsAccuracy, DataOpsRecords, progressQuery, progressSignal } from './definitions.ts';

const bookkeeping = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
});

function sourceLabel(input: CollectWorkflowInput): string {
  const s = input.spec.source;
  if (s.type === 'file') return s.path.split('/').pop() ?? s.path;
  if (s.type === 'table') return `${s.connection}:${s.table}`;
  return `${s.connection}:query`;
}

/**
 * Collection and resource cataloguing: stage the source into a run-scoped table in checkpointed
 * batches, then publish it atomically with its catalogue entry, profile and metrics.
 */
export async function collect(input: CollectWorkflowInput): Promise<CollectResult> {
  const { runId, spec } = input;
  let progress: Progress = { phase: 'starting', rows: 0, bytes: 0, batches: 0, attempt: 1, updatedAt: new Date().toISOString() };
  setHandler(progressQuery, () => progress);
  setHandler(progressSignal, (update) => {
    if (progress.phase === 'collecting' || progress.phase === 'starting') progress = update;
  });

  const started = Date.now();
  await bookkeeping.startRun.executeWithOptions({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10 }, summary: `record run ${runId}` }, [
    { runId, spec },
  ]);
  try {
    progress = { ...progress, phase: 'collecting', step: 'collect' };
    const stage = await bookkeeping.stageCollect.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20, nonRetryableErrorTypes: ['BadInput'] },
        summary: `stage ${sourceLabel(input)} in batches of ${spec.options.batchRows}`,
      },
      [{ runId, spec }],
    );
    progress = { ...progress, phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches, updatedAt: new Date().toISOString() };
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
    progress = { ...progress, phase: 'finishing', updatedAt: new Date().toISOString() };
    await bookkeeping.finishRun({ runId, status: 'succeeded' });
    progress = { ...progress, phase: 'done', updatedAt: new Date().toISOString() };
    return { runId, stage, publish };
  } catch (error) {
    progress = { ...progress, phase: 'failed', updatedAt: new Date().toISOString() };
    const message = failureMessage(error);
    await CancellationScope.nonCancellable(async () => {
      await bookkeeping.abandonStaging({ runId });
      await bookkeeping.finishRun({ runId, status: isCancellation(error) ? 'cancelled' : 'failed', error: message });
    });
    throw error;
  }
}

function failureMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  // ActivityFailure wraps the ApplicationFailure that carries the user-facing message.
  while (current?.cause && !(current instanceof ApplicationFailure)) current = current.cause as typeof current;
  return current?.message ?? String(error);
}
