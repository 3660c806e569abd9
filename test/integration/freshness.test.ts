import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDb, closeAllDbs } from '../../db/knex.ts';
import { datasetFreshness } from '../../catalogue/freshness.ts';
import { runCli } from '../support/cli.ts';
import { TEST_DATABASE_URL } from '../support/urls.ts';

// Which datasets their update frequency says are overdue, from rows written here directly.
const db = centreDb(TEST_DATABASE_URL);
const now = new Date();
const DATASETS = { 'fresh-daily': 'daily', 'stale-daily': 'daily', 'never-weekly': 'weekly', 'ad-hoc-old': 'ad-hoc' } as const;

beforeAll(async () => {
  await db('dataops.runs').whereIn('dataset', Object.keys(DATASETS)).delete();
  await db('dataops.catalogue_resources').whereIn('dataset', Object.keys(DATASETS)).delete();
  for (const [dataset, frequency] of Object.entries(DATASETS)) {
    await db('dataops.catalogue_resources').insert({
      dataset,
      table_ref: `raw.${dataset.replace(/-/g, '_')}`,
      department: 'test',
      update_frequency: frequency,
      sensitivity: 'L1',
      current_version: 1,
      row_count: 1,
    });
  }
  const run = (dataset: string, endedHoursAgo: number) => ({
    run_id: `freshness:${dataset}:${endedHoursAgo}`,
    job: dataset,
    kind: 'collect',
    dataset,
    department: 'test',
    workflow_id: `freshness:${dataset}`,
    status: 'succeeded',
    spec: '{}',
    started_at: new Date(now.getTime() - endedHoursAgo * 3_600_000 - 60_000),
    ended_at: new Date(now.getTime() - endedHoursAgo * 3_600_000),
  });
  await db('dataops.runs').insert([run('fresh-daily', 20), run('stale-daily', 40), run('ad-hoc-old', 24 * 400)]);
});
afterAll(async () => {
  await db('dataops.runs').whereIn('dataset', Object.keys(DATASETS)).delete();
  await db('dataops.catalogue_resources').whereIn('dataset', Object.keys(DATASETS)).delete();
  await closeAllDbs();
});

describe('freshness', () => {
  it('a daily dataset is overdue after 30 hours without a success, a weekly one that never succeeded is too, ad hoc never', async () => {
    const rows = (await datasetFreshness(db, now)).filter((d) => d.dataset in DATASETS);
    expect(Object.fromEntries(rows.map((d) => [d.dataset, d.stale]))).toEqual({
      'ad-hoc-old': false,
      'fresh-daily': false,
      'never-weekly': true,
      'stale-daily': true,
    });
  });

  it('the command lists what is overdue and exits 1 for a monitor', () => {
    const result = runCli(['freshness', '--json'], { DATABASE_URL: TEST_DATABASE_URL, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.datasets.map((d: { dataset: string }) => d.dataset)).toEqual(expect.arrayContaining(['stale-daily', 'never-weekly']));
    expect(report.datasets.map((d: { dataset: string }) => d.dataset)).not.toContain('fresh-daily');
    expect(report.temporal).toMatch(/Temporal is not reachable/);
  });
});
