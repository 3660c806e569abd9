import { getStream, setStreamState, type StreamState } from '../../catalogue/streams.ts';
import type { StreamTotals } from '../../schemas/stream-run.ts';
import { activityDb, classifyErrors } from '../context.ts';

/** The stream's committed totals as the catalogue has them (every batch updates them in its own transaction). */
export async function streamTotals({ job }: { job: string }): Promise<StreamTotals | undefined> {
  return classifyErrors(async () => {
    const row = await getStream(activityDb(), job);
    if (!row) return undefined;
    return {
      messages: row.messages,
      written: row.written,
      quarantined: row.quarantined,
      duplicates: row.duplicates,
      poison: row.poison,
      bytes: row.bytes,
      lastSequence: row.last_sequence ?? undefined,
      lag: row.lag ?? undefined,
    };
  });
}

/** Records a paused, resumed, stopped or failed stream, for `dataops streams` and the catalogue. */
export async function markStream({ job, state }: { job: string; state: StreamState }): Promise<void> {
  return classifyErrors(() => setStreamState(activityDb(), job, state));
}
