import { getStream, setStreamState, type StreamState } from '../../catalogue/streams.ts';
import type { StreamTotals } from '../../schemas/stream-run.ts';
import { activityDb, classifyErrors } from '../context.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { INGEST_STEP } from './ingest-transform.ts';

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

/**
 * A stream run that ended: its slices' (empty) staging tables and checkpoints go. What they committed
 * stays: the rows, the quarantine and the stream's totals.
 */
export async function forgetSlices({ runId }: { runId: string }): Promise<void> {
  return classifyErrors(async () => {
    const db = activityDb();
    const steps = await db('dataops.checkpoints').where({ run_id: runId }).andWhere('step', 'like', `${INGEST_STEP}@%`).pluck('step');
    for (const step of steps) await db.raw(`DROP TABLE IF EXISTS ${quoteTable(stagingTableName(runId, step))}`);
    await db('dataops.checkpoints').where({ run_id: runId }).andWhere('step', 'like', `${INGEST_STEP}@%`).delete();
  });
}
