import { ApplicationFailure, CancellationScope, ContinueAsNew, isCancellation, proxyActivities, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { progressDetails } from './progress-details.ts';
import type * as activities from '../activities/index.ts';
import type { Progress } from '../schemas/progress.ts';
import { progressQuery, progressSignal } from './definitions.ts';

export const bookkeeping = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
});

export { DATA_RETRY } from '../schemas/retry-policy.ts';

/** Progress kept in workflow state: the staging activity signals it, `dataops run --wait` queries it. */
export class ProgressState {
  current: Progress = { phase: 'starting', rows: 0, bytes: 0, batches: 0, attempt: 1, updatedAt: new Date().toISOString() };

  constructor() {
    setHandler(progressQuery, () => this.current);
    setHandler(progressSignal, (update) => {
      if (this.current.phase === 'staging' || this.current.phase === 'starting') this.show(this.rangeTotal(update) ?? update);
    });
    this.show(this.current);
  }

  /** The latest counts of each key range of a split step (`collect#0`, ...), shown as their sum. */
  private readonly ranges = new Map<string, Progress>();

  private rangeTotal(update: Progress): Progress | undefined {
    const step = update.step?.match(/^(.+)#\d+$/)?.[1];
    if (!step) return undefined;
    this.ranges.set(update.step!, update);
    const all = [...this.ranges.values()];
    const sum = (of: (p: Progress) => number | undefined) => all.reduce((n, p) => n + (of(p) ?? 0), 0);
    return {
      ...update,
      step: `${step} (${all.length} key ranges)`,
      rows: sum((p) => p.rows),
      bytes: sum((p) => p.bytes),
      batches: sum((p) => p.batches),
      totalRows: this.current.totalRows,
      attempt: Math.max(...all.map((p) => p.attempt)),
    };
  }

  set(update: Partial<Progress>): void {
    this.show({ ...this.current, ...update, updatedAt: new Date().toISOString() });
  }

  private show(progress: Progress): void {
    this.current = progress;
    setCurrentDetails(progressDetails(progress));
  }
}

function failureMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  // ActivityFailure wraps the ApplicationFailure that carries the user-facing message.
  while (current?.cause && !(current instanceof ApplicationFailure)) current = current.cause as typeof current;
  return current?.message ?? String(error);
}

/**
 * Records the run, runs `body`, records the end; on failure drops staging so nothing partial remains.
 * A body that continues as new (a long stream) leaves the record open: the next run of the chain, under
 * the same run id, carries on with it.
 */
export async function withRunRecord<T>(run: Parameters<typeof bookkeeping.startRun>[0], progress: ProgressState, body: () => Promise<T>): Promise<T> {
  const { runId } = run;
  try {
    await bookkeeping.startRun.executeWithOptions(
      { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] }, summary: `record run ${runId}` },
      [run],
    );
    const result = await body();
    progress.set({ phase: 'finishing' });
    await bookkeeping.finishRun({ runId, status: 'succeeded' });
    progress.set({ phase: 'done' });
    return result;
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    progress.set({ phase: 'failed' });
    const message = failureMessage(error);
    await CancellationScope.nonCancellable(async () => {
      await bookkeeping.abandonStaging({ runId });
      await bookkeeping.finishRun({ runId, status: isCancellation(error) ? 'cancelled' : 'failed', error: message });
    });
    throw error;
  }
}
