import type { Knex } from 'knex';

/** A run id as given, or a dataset name meaning its newest run. */
export async function resolveRunId(db: Knex, runOrDataset: string): Promise<string | undefined> {
  const exact = await db('dataops.runs').where({ run_id: runOrDataset }).first('run_id');
  if (exact) return exact.run_id as string;
  const latest = await db('dataops.runs').where({ dataset: runOrDataset }).orderBy('started_at', 'desc').first('run_id');
  return latest?.run_id as string | undefined;
}
