import type { Knex } from 'knex';

/**
 * When a dataset's merge last compared its keys with the source's (the logical date of that run),
 * undefined if it never did or its sync was reset; kept beside the dataset's watermark.
 */
export async function lastKeyComparison(db: Knex, dataset: string): Promise<Date | undefined> {
  const row = await db('dataops.watermarks').where({ dataset }).first('keys_compared_at');
  return row?.keys_compared_at ?? undefined;
}

/**
 * Records a key comparison; called in the transaction that deleted the rows it found gone, after the
 * watermark was written. A sync with no watermark yet (a source that was empty) records nothing, and
 * its next run compares again.
 */
export async function recordKeyComparison(trx: Knex.Transaction, dataset: string, at: Date): Promise<void> {
  await trx('dataops.watermarks').where({ dataset }).update({ keys_compared_at: at });
}
