import type pg from 'pg';
import type { Knex } from 'knex';
import type { DuplicateTracker } from '../../governance/rules/dedup.ts';

/**
 * The dedup index of a running cleanse, kept as one record of changes per committed batch (written in
 * the batch's transaction) rather than inside the checkpoint, so a commit costs what the batch changed.
 */
export async function logDedupChanges(client: pg.Client, runId: string, step: string, batch: number, tracker: DuplicateTracker): Promise<void> {
  const changes = tracker.takeChanges();
  if (!changes.length) return;
  await client.query('INSERT INTO dataops.dedup_log (run_id, step, batch, entries) VALUES ($1, $2, $3, $4)', [
    runId,
    step,
    batch,
    Buffer.from(changes.buffer, changes.byteOffset, changes.byteLength),
  ]);
}

/** Rebuilds a resumed attempt's index from the committed batches' records, in order. */
export async function replayDedupChanges(client: pg.Client, runId: string, step: string, upToBatch: number, tracker: DuplicateTracker): Promise<void> {
  const result = await client.query<{ entries: Buffer }>(
    'SELECT entries FROM dataops.dedup_log WHERE run_id = $1 AND step = $2 AND batch <= $3 ORDER BY batch',
    [runId, step, upToBatch],
  );
  for (const row of result.rows) tracker.applyChanges(row.entries);
}

/** Once the run published or was abandoned, its change records describe nothing. */
export async function dropDedupLog(db: Knex | Knex.Transaction, runId: string): Promise<void> {
  await db('dataops.dedup_log').where({ run_id: runId }).delete();
}
