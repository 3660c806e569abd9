import { PUBLISHING_KINDS } from '../schemas/job-spec.ts';
import type { Knex } from 'knex';

/** How long each update frequency lets a dataset go without a successful run (the frequency, and a quarter of it again). */
export const ALLOWED_AGE_MS: Record<string, number | undefined> = {
  realtime: 75 * 60_000,
  hourly: 75 * 60_000,
  daily: 30 * 3_600_000,
  weekly: 8.75 * 86_400_000,
  monthly: 38.75 * 86_400_000,
  yearly: 456.25 * 86_400_000,
  'ad-hoc': undefined,
};

export interface DatasetFreshness {
  dataset: string;
  department: string;
  updateFrequency: string;
  lastSucceeded: Date | null;
  /** Past its allowed age (or never succeeded). */
  stale: boolean;
}

/** Every catalogued dataset with a frequency, with when it last succeeded and whether that is too long ago. */
export async function datasetFreshness(db: Knex, now = new Date()): Promise<DatasetFreshness[]> {
  const rows = await db('dataops.catalogue_resources as r')
    .leftJoin(
      db('dataops.runs').where({ status: 'succeeded' }).whereIn('kind', PUBLISHING_KINDS).groupBy('dataset').select('dataset').max('ended_at as last').as('s'),
      's.dataset',
      'r.dataset',
    )
    .select('r.dataset', 'r.department', 'r.update_frequency', 's.last')
    .orderBy('r.dataset');
  return rows.map((r) => {
    const allowed = ALLOWED_AGE_MS[r.update_frequency];
    const last = r.last ? new Date(r.last) : null;
    return {
      dataset: r.dataset,
      department: r.department,
      updateFrequency: r.update_frequency,
      lastSucceeded: last,
      stale: allowed !== undefined && (!last || now.getTime() - last.getTime() > allowed),
    };
  });
}
