import type { Knex } from 'knex';

/** The checkpoint state of the newest published distribution of a dataset to a connection. */
export async function lastDistribution<S>(db: Knex, dataset: string, connection: string): Promise<{ runId: string; state: S } | undefined> {
  const row = await db('dataops.checkpoints as c')
    .join('dataops.runs as r', 'r.run_id', 'c.run_id')
    .where({ 'c.step': 'distribute', 'c.status': 'published', 'r.dataset': dataset })
    .whereRaw("c.state->>'connection' = ?", [connection])
    .orderBy('c.updated_at', 'desc')
    .first('c.run_id', 'c.state');
  return row ? { runId: row.run_id, state: row.state as S } : undefined;
}
