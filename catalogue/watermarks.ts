import type { Knex } from 'knex';
import type pg from 'pg';

export interface Watermark {
  cursorColumn: string;
  keyColumn: string;
  /** The cursor and key of the last row read, as the source printed them (full precision). */
  cursor: string;
  key: string;
  runId: string;
  updatedAt: Date;
}

/** Where a dataset's incremental sync left off, if it ever published. */
export async function getWatermark(db: Knex, dataset: string): Promise<Watermark | undefined> {
  const row = await db('dataops.watermarks').where({ dataset }).first();
  return row ? fromRow(row) : undefined;
}

function fromRow(row: Record<string, unknown>): Watermark {
  return {
    cursorColumn: row.cursor_column as string,
    keyColumn: row.key_column as string,
    cursor: row.last_cursor as string,
    key: row.last_key as string,
    runId: row.run_id as string,
    updatedAt: row.updated_at as Date,
  };
}

/** Advances the watermark; called in the transaction that publishes the rows it stands after. */
export async function recordWatermark(trx: Knex.Transaction, dataset: string, w: Omit<Watermark, 'updatedAt'>): Promise<void> {
  await trx('dataops.watermarks')
    .insert({
      dataset,
      cursor_column: w.cursorColumn,
      key_column: w.keyColumn,
      last_cursor: w.cursor,
      last_key: w.key,
      run_id: w.runId,
      updated_at: trx.fn.now(),
    })
    .onConflict('dataset')
    .merge();
}

/**
 * Advances the watermark on a plain PostgreSQL session, inside the transaction it has open: the
 * batch stager's commit of a batch whose rows already left (a stream output, after the broker's
 * confirmation), so the watermark moves with each confirmed batch.
 */
export async function recordWatermarkOn(
  client: pg.ClientBase,
  dataset: string,
  w: Omit<Watermark, 'updatedAt'>,
  /** Compare-and-set: the watermark must still stand here (null: not recorded yet), or nothing is written and this throws. */
  expected?: { cursor: string; key: string } | null,
): Promise<void> {
  const cas = expected === undefined ? '' : ' WHERE w.last_cursor IS NOT DISTINCT FROM $7 AND w.last_key IS NOT DISTINCT FROM $8';
  const result = await client.query(
    `INSERT INTO dataops.watermarks AS w (dataset, cursor_column, key_column, last_cursor, last_key, run_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (dataset) DO UPDATE SET cursor_column = EXCLUDED.cursor_column, key_column = EXCLUDED.key_column,
       last_cursor = EXCLUDED.last_cursor, last_key = EXCLUDED.last_key, run_id = EXCLUDED.run_id, updated_at = EXCLUDED.updated_at${cas}`,
    expected === undefined
      ? [dataset, w.cursorColumn, w.keyColumn, w.cursor, w.key, w.runId]
      : [dataset, w.cursorColumn, w.keyColumn, w.cursor, w.key, w.runId, expected?.cursor ?? null, expected?.key ?? null],
  );
  if (result.rowCount === 0) {
    throw new Error(
      `the watermark ${dataset} moved while this run held it (another run of the job published meanwhile): this attempt stops; its retry reads from where the watermark stands`,
    );
  }
}

/** Forgets a dataset's watermark: its next sync reads the whole source again. */
export async function resetWatermark(db: Knex, dataset: string): Promise<boolean> {
  return (await db('dataops.watermarks').where({ dataset }).delete()) > 0;
}

export async function listWatermarks(db: Knex): Promise<(Watermark & { dataset: string })[]> {
  const rows = await db('dataops.watermarks').orderBy('dataset');
  return rows.map((row) => ({ dataset: row.dataset, ...fromRow(row) }));
}
