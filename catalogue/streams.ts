import type { Knex } from 'knex';
import type pg from 'pg';
import { BadInputError } from '../errors/bad-input.ts';
import { withNumbers } from './numbers.ts';

export type StreamState = 'running' | 'paused' | 'stopped' | 'failed';

/** A stream-ingest job as the catalogue keeps it: what it reads, where it writes, its totals. */
export interface StreamRow {
  job: string;
  dataset: string;
  department: string;
  source: string;
  source_identity: string | null;
  target_table: string;
  run_id: string;
  state: StreamState;
  messages: number;
  written: number;
  quarantined: number;
  duplicates: number;
  poison: number;
  bytes: number;
  batches: number;
  last_sequence: number | null;
  lag: number | null;
  last_message_at: Date | null;
  last_commit_at: Date | null;
  started_at: Date;
  updated_at: Date;
}

const NUMBERS = ['messages', 'written', 'quarantined', 'duplicates', 'poison', 'bytes', 'batches', 'last_sequence', 'lag'];

export interface StreamRegistration {
  job: string;
  dataset: string;
  department: string;
  source: string;
  /** The broker's identity of its sequence space (JetStream: `<stream>@<creation time>`). */
  identity: string | undefined;
  targetTable: string;
  runId: string;
}

/**
 * Claims the stream for a run before it reads anything. A stream whose broker identity changed (a
 * JetStream stream deleted and created again restarts at sequence 1) is refused: its new messages
 * would be taken for duplicates of the old ones in the same table.
 */
export async function registerStream(client: pg.ClientBase, r: StreamRegistration): Promise<void> {
  const existing = await client.query<{ source_identity: string | null; target_table: string; source: string }>(
    'SELECT source_identity, target_table, source FROM dataops.streams WHERE job = $1 FOR UPDATE',
    [r.job],
  );
  const row = existing.rows[0];
  const other = await client.query<{ job: string }>('SELECT job FROM dataops.streams WHERE target_table = $1 AND job <> $2', [r.targetTable, r.job]);
  if (other.rows[0]) {
    throw new BadInputError(`${r.targetTable} is the target of stream job ${other.rows[0].job}: one stream per table (their message identities would collide)`);
  }

  const [oldName, oldCreated] = (row?.source_identity ?? '').split('@');
  const [newName, newCreated] = (r.identity ?? '').split('@');
  if (row && row.target_table === r.targetTable && oldName && oldName === newName && oldCreated !== newCreated) {
    throw new BadInputError(
      `${r.source} was created again (${newCreated}; the one ${r.targetTable} holds was created ${oldCreated}): its sequences restarted, ` +
        'so its messages would be taken for duplicates. Point the job at a new target table, or empty the table and run `dataops streams forget ' +
        `${r.job}\` first`,
    );
  }
  await client.query(
    `INSERT INTO dataops.streams (job, dataset, department, source, source_identity, target_table, run_id, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'running')
     ON CONFLICT (job) DO UPDATE SET dataset = EXCLUDED.dataset, department = EXCLUDED.department, source = EXCLUDED.source,
       source_identity = coalesce(EXCLUDED.source_identity, dataops.streams.source_identity), target_table = EXCLUDED.target_table,
       run_id = EXCLUDED.run_id, state = 'running', updated_at = now()`,
    [r.job, r.dataset, r.department, r.source, r.identity ?? null, r.targetTable, r.runId],
  );
}

/** What one committed batch adds to its stream's totals. */
export interface StreamBatchCounts {
  messages: number;
  written: number;
  quarantined: number;
  duplicates: number;
  poison: number;
  bytes: number;
  lastSequence: number | undefined;
  lag: number | undefined;
}

/** Adds a batch to the stream's totals and to the current minute's window; runs in the batch's transaction. */
export async function recordStreamBatch(client: pg.ClientBase, job: string, runId: string, c: StreamBatchCounts): Promise<void> {
  const values = [job, runId, c.messages, c.written, c.quarantined, c.duplicates, c.poison, c.bytes, c.lastSequence ?? null, c.lag ?? null];
  await client.query(
    `UPDATE dataops.streams SET messages = messages + $3, written = written + $4, quarantined = quarantined + $5,
       duplicates = duplicates + $6, poison = poison + $7, bytes = bytes + $8, batches = batches + 1,
       last_sequence = greatest(last_sequence, $9::bigint), lag = coalesce($10::bigint, lag),
       last_message_at = CASE WHEN $3 > 0 THEN now() ELSE last_message_at END, last_commit_at = now(), updated_at = now(), run_id = $2
     WHERE job = $1`,
    values,
  );
  await client.query(
    `INSERT INTO dataops.stream_windows AS w (job, window_start, run_id, messages, written, quarantined, duplicates, poison, bytes, batches, last_sequence, max_lag)
     VALUES ($1, date_trunc('minute', now()), $2, $3, $4, $5, $6, $7, $8, 1, $9, $10)
     ON CONFLICT (job, window_start) DO UPDATE SET messages = w.messages + EXCLUDED.messages, written = w.written + EXCLUDED.written,
       quarantined = w.quarantined + EXCLUDED.quarantined, duplicates = w.duplicates + EXCLUDED.duplicates, poison = w.poison + EXCLUDED.poison,
       bytes = w.bytes + EXCLUDED.bytes, batches = w.batches + 1, last_sequence = greatest(w.last_sequence, EXCLUDED.last_sequence),
       max_lag = greatest(w.max_lag, EXCLUDED.max_lag), run_id = EXCLUDED.run_id`,
    values,
  );
}

/** Source refs (message ids) of a stream job already in quarantine: a redelivered bad message is quarantined once. */
export async function quarantinedMessageIds(client: pg.ClientBase, job: string, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const result = await client.query<{ source_ref: string }>(
    `SELECT DISTINCT source_ref FROM dataops.quarantine
      WHERE run_id IN (SELECT run_id FROM dataops.runs WHERE job = $1) AND step = 'ingest' AND source_ref = ANY($2::text[])`,
    [job, ids],
  );
  return new Set(result.rows.map((r) => r.source_ref));
}

export async function setStreamState(db: Knex, job: string, state: StreamState): Promise<void> {
  await db('dataops.streams').where({ job }).update({ state, updated_at: db.fn.now() });
}

export async function getStream(db: Knex, job: string): Promise<StreamRow | undefined> {
  const row = await db('dataops.streams').where({ job }).first();
  return row ? (withNumbers(row, NUMBERS) as unknown as StreamRow) : undefined;
}

export async function listStreams(db: Knex): Promise<StreamRow[]> {
  const rows = await db('dataops.streams').orderBy('job');
  return rows.map((r) => withNumbers(r, NUMBERS) as unknown as StreamRow);
}

export interface StreamWindow {
  window_start: Date;
  messages: number;
  written: number;
  quarantined: number;
  duplicates: number;
  poison: number;
  bytes: number;
  batches: number;
  max_lag: number | null;
  last_sequence: number | null;
}

/** The stream's per-minute windows since `since`, oldest first. */
export async function streamWindows(db: Knex, job: string, since: Date): Promise<StreamWindow[]> {
  const rows = await db('dataops.stream_windows').where({ job }).where('window_start', '>=', since).orderBy('window_start');
  return rows.map(
    (r) =>
      withNumbers(r, ['messages', 'written', 'quarantined', 'duplicates', 'poison', 'bytes', 'batches', 'max_lag', 'last_sequence']) as unknown as StreamWindow,
  );
}

/** Forgets a stream's registration and windows (its table and quarantine stay): for a stream that was recreated on purpose. */
export async function forgetStream(db: Knex, job: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx('dataops.stream_windows').where({ job }).delete();
    return (await trx('dataops.streams').where({ job }).delete()) > 0;
  });
}

/** Counts one more delivery of each redelivered message (brokers that only flag redeliveries); answers the counts. */
export async function countRedeliveries(db: Knex, job: string, ids: readonly string[]): Promise<Map<string, number>> {
  const result = await db.raw<{ rows: { message_id: string; deliveries: number }[] }>(
    `INSERT INTO dataops.stream_redeliveries AS r (job, message_id, deliveries)
     SELECT ?, id, 2 FROM unnest(?::text[]) AS id
     ON CONFLICT (job, message_id) DO UPDATE SET deliveries = r.deliveries + 1, updated_at = now()
     RETURNING message_id, deliveries`,
    [job, [...ids]],
  );
  return new Map(result.rows.map((r) => [r.message_id, r.deliveries]));
}

/** Forgets the delivery counts of messages whose batch commits (in that batch's transaction). */
export async function forgetRedeliveries(client: pg.ClientBase, job: string, ids: readonly string[]): Promise<void> {
  if (ids.length) await client.query('DELETE FROM dataops.stream_redeliveries WHERE job = $1 AND message_id = ANY($2::text[])', [job, ids]);
}
