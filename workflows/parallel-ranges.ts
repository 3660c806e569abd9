import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs one activity per key range at once. The first to fail cancels the others and the failure is
 * thrown only after all of them have ended, so the run drops its staging (or shadow) when nothing
 * writes into it any more. The activities should be started with WAIT_CANCELLATION_COMPLETED.
 */
export async function runRanges<T>(count: number, stage: (range: number) => Promise<T>): Promise<T[]> {
  const scope = new CancellationScope();
  return scope.run(async () => {
    const running = Array.from({ length: count }, (_, range) => stage(range));
    try {
      return await Promise.all(running);
    } catch (error) {
      scope.cancel();
      await Promise.allSettled(running);
      throw error;
    }
  });
}

/** The ranges' stage summaries as one, as an unsplit stage would report it. */
export function combinedStageSummary<S extends { rows: number; bytes: number; batches: number; attempt: number; resumedFromRow: number; stagingTable: string }>(
  ranges: S[],
): S {
  return {
    ...ranges[0]!,
    rows: ranges.reduce((n, r) => n + r.rows, 0),
    bytes: ranges.reduce((n, r) => n + r.bytes, 0),
    batches: ranges.reduce((n, r) => n + r.batches, 0),
    attempt: Math.max(...ranges.map((r) => r.attempt)),
    resumedFromRow: ranges.reduce((n, r) => n + r.resumedFromRow, 0),
  };
}
