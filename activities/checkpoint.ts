import type pg from 'pg';
import type { ColumnInfo, SourcePosition } from '../connectors/source-chunk.ts';

export interface StageCheckpoint {
  position: SourcePosition | null;
  rows: number;
  bytes: number;
  batches: number;
  /** Staging column types: from the source table, speculated from CSV values, or all text. */
  columns: ColumnInfo[];
  /** source: types from the source table; speculative: typed while staging; cast-on-publish; text: kept as text. */
  typing: 'source' | 'speculative' | 'cast-on-publish' | 'text';
  profile: unknown;
  stagingTable: string;
  startedAttempt: number;
  /** The attempt that finished staging (>1 when it resumed after a crash). */
  stagedAttempt?: number;
}

export interface CheckpointRow<S = StageCheckpoint> {
  status: 'staging' | 'staged' | 'published';
  state: S & { publish?: unknown };
}

export async function readCheckpoint<S = StageCheckpoint>(client: pg.ClientBase, runId: string, step: string): Promise<CheckpointRow<S> | undefined> {
  const result = await client.query<CheckpointRow<S>>('SELECT status, state FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, step]);
  return result.rows[0];
}

/** Written inside the same transaction as the rows it describes, so the two can never disagree. */
export async function writeCheckpoint<S = StageCheckpoint>(
  client: pg.ClientBase,
  runId: string,
  step: string,
  status: CheckpointRow['status'],
  state: S,
): Promise<void> {
  await client.query(
    `INSERT INTO dataops.checkpoints (run_id, step, status, state, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (run_id, step) DO UPDATE SET status = EXCLUDED.status, state = EXCLUDED.state, updated_at = now()`,
    [runId, step, status, JSON.stringify(state)],
  );
}
