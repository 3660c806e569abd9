import type pg from 'pg';

export interface CheckpointRow<S> {
  status: 'staging' | 'staged' | 'published' | 'abandoned';
  state: S & { publish?: unknown };
}

/** Another attempt has taken over this run's staging; this one must stop writing. */
export class SupersededAttemptError extends Error {
  override readonly name = 'SupersededAttemptError';
}

/**
 * Claims the run's staging for this attempt and returns the checkpoint as committed so far. From then
 * on only this attempt's batch commits succeed (see writeCheckpoint): a presumed-dead worker that is in
 * fact still running cannot interleave its batches with the retry's.
 */
export async function takeOverCheckpoint<S>(client: pg.ClientBase, runId: string, step: string, attempt: number): Promise<CheckpointRow<S> | undefined> {
  const result = await client.query<CheckpointRow<S>>(
    `UPDATE dataops.checkpoints SET state = jsonb_set(state, '{owner}', to_jsonb($3::int)), updated_at = now()
      WHERE run_id = $1 AND step = $2 AND coalesce((state->>'owner')::int, 0) <= $3
      RETURNING status, state`,
    [runId, step, attempt],
  );
  if (result.rows[0]) return result.rows[0];
  const newer = await client.query('SELECT 1 FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, step]);
  if (newer.rowCount) throw new SupersededAttemptError(`attempt ${attempt} of ${runId} is superseded by a newer attempt`);
  return undefined;
}

/**
 * Written inside the same transaction as the rows it describes, so the two can never disagree; refused
 * (and the transaction with it) unless this attempt still owns the checkpoint.
 */
export async function writeCheckpoint<S>(
  client: pg.ClientBase,
  runId: string,
  step: string,
  status: CheckpointRow<S>['status'],
  state: S,
  attempt: number,
): Promise<void> {
  const result = await client.query(
    `INSERT INTO dataops.checkpoints AS c (run_id, step, status, state, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (run_id, step) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, updated_at = now()
     WHERE (c.state->>'owner')::int = $5`,
    [runId, step, status, JSON.stringify({ ...state, owner: attempt }), attempt],
  );
  if (result.rowCount === 0) throw new SupersededAttemptError(`attempt ${attempt} of ${runId} is superseded by a newer attempt`);
}

/** Starts a run's step over: its checkpoint, and whatever `discard` removes with it, go in one transaction. */
export async function forgetCheckpoint(client: pg.ClientBase, runId: string, step: string, discard?: (client: pg.Client) => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await discard?.(client as pg.Client);
    await client.query('DELETE FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, step]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
