import type { Knex } from 'knex';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { dropUnpublishedQuarantine } from '../../catalogue/quarantine.ts';
import { STAGING_SCHEMA } from './staging-table.ts';

/** Owner no attempt number reaches: a checkpoint fenced with it refuses every later commit. */
const FENCED = 2_147_483_647;

/**
 * Drops what a run that will never publish left behind: its staging tables and, when no step
 * published, its quarantine. Each unpublished checkpoint first becomes a small fenced tombstone, so an
 * attempt still running somewhere (a terminated workflow's activity that has not noticed yet) can
 * neither commit another batch nor start afresh. Returns the staging tables dropped.
 */
export async function abandonRunStaging(db: Knex, runId: string): Promise<string[]> {
  const dropped: string[] = [];
  const rows = await db('dataops.checkpoints').where({ run_id: runId }).whereNotIn('status', ['published', 'abandoned']).select('step', 'state');
  for (const row of rows as { step: string; state: { stagingTable?: string } }[]) {
    const table = row.state.stagingTable;
    const tables = typeof table === 'string' ? [table] : [];
    await db.transaction(async (trx) => {
      await trx.raw("SET LOCAL lock_timeout = '10s'");
      // The staging table first, then the checkpoint: the order a batch takes them, so the two wait
      // for each other instead of deadlocking.
      for (const t of tables) {
        if (!new RegExp(`^${STAGING_SCHEMA}\\.[a-z0-9_]+$`).test(t)) continue;
        await trx.raw(`DROP TABLE IF EXISTS ${quoteTable(t)}`);
        dropped.push(t);
      }
      await trx('dataops.checkpoints')
        .where({ run_id: runId, step: row.step })
        .update({ status: 'abandoned', state: JSON.stringify({ owner: FENCED, stagingTable: table }), updated_at: trx.fn.now() });
    });
  }
  await dropUnpublishedQuarantine(db, runId);
  await db('dataops.dedup_log').where({ run_id: runId }).delete();
  return dropped;
}
