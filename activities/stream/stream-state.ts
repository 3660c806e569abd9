import { getStream, setStreamState, type StreamState } from '../../catalogue/streams.ts';
import type { StreamTotals } from '../../schemas/stream-run.ts';
import type pg from 'pg';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { activityConfig, activityDb, classifyErrors } from '../context.ts';
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
 * Drops a stream run's slices (their empty staging tables and checkpoints), all but `keep`'s: the
 * earlier slices when a new one starts, all of them when the run ends. What they committed stays.
 */
export async function dropSlices(client: pg.ClientBase, runId: string, keep?: string): Promise<void> {
  const gone = await client.query<{ step: string }>(
    `DELETE FROM dataops.checkpoints WHERE run_id = $1 AND step LIKE '${INGEST_STEP}@%' AND step IS DISTINCT FROM $2 RETURNING step`,
    [runId, keep ?? null],
  );
  for (const { step } of gone.rows) await client.query(`DROP TABLE IF EXISTS ${quoteTable(stagingTableName(runId, step))}`);
}

/** A stream run that ended: all its slices go (the rows, quarantine and totals they committed stay). */
export async function forgetSlices({ runId }: { runId: string }): Promise<void> {
  return classifyErrors(async () => {
    const client = await connectPostgres(activityConfig().databaseUrl, { application: 'dataops-stream', label: 'the centre database' });
    try {
      await dropSlices(client, runId);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}
