import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { centreDb, closeAllDbs } from '../../db/knex.ts';
import { runCli } from '../support/cli.ts';
import { TEST_DATABASE_URL } from '../support/urls.ts';

// The CLI against the test database; rows written here directly, so no Temporal run is needed.
const env = { DATABASE_URL: TEST_DATABASE_URL };
const RUN = 'cleanse:cli-json:20261201T000000';
const DATASET = 'cli-json';
const db = centreDb(TEST_DATABASE_URL);

beforeAll(async () => {
  await db('dataops.runs').where({ run_id: RUN }).delete();
  await db('dataops.catalogue_resources').where({ dataset: DATASET }).delete();
  await db('dataops.runs').insert({
    run_id: RUN,
    job: 'cli-json',
    kind: 'cleanse',
    dataset: DATASET,
    department: 'civil-affairs',
    workflow_id: RUN,
    status: 'succeeded',
    spec: '{}',
    ended_at: db.fn.now(),
    records_in: 1000,
    records_out: 990,
    records_rejected: 10,
    accuracy: 0.99,
  });
  const [{ id }] = await db('dataops.catalogue_resources')
    .insert({
      dataset: DATASET,
      table_ref: 'clean.cli_json',
      department: 'civil-affairs',
      update_frequency: 'daily',
      sensitivity: 'L2',
      current_version: 1,
      row_count: 990,
    })
    .returning('id');
  await db('dataops.catalogue_versions').insert({
    resource_id: id,
    version: 1,
    run_id: RUN,
    table_ref: 'clean.cli_json',
    mode: 'replace',
    row_count: 990,
    schema_hash: 'h',
  });
  await db('dataops.catalogue_columns').insert({
    resource_id: id,
    version: 1,
    ordinal: 1,
    name: 'mobile',
    data_type: 'text',
    sensitivity: 'L2',
    rows: 990,
    nulls: 3,
    null_rate: 3 / 990,
    distinct_estimate: 980,
    semantic_checked: 987,
    semantic_valid: 985,
    top_patterns: JSON.stringify([{ pattern: '1dddddddddd', share: 1 }]),
  });
  await db('dataops.quarantine').insert({
    run_id: RUN,
    step: 'cleanse',
    source_ref: 'row 7',
    rule_id: 'mobile.valid',
    column_name: 'mobile',
    severity: 'reject',
    reason: 'not a mobile number',
    reason_zh: '手机号码无效',
    // The original record keeps its source text, even for a column called "rows".
    record: JSON.stringify({ mobile: '123', rows: '7' }),
  });
  await db('dataops.quality_indicators').insert({
    run_id: RUN,
    step: 'cleanse',
    table_name: 'clean.cli_json',
    indicator: 'accuracy',
    a: 990,
    b: 1000,
    value: 0.99,
  });
});

afterAll(async () => {
  await db('dataops.runs').where({ run_id: RUN }).delete();
  await db('dataops.catalogue_resources').where({ dataset: DATASET }).delete();
  await closeAllDbs();
});

function json(args: string[]) {
  const result = runCli(args, env);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

describe('--json prints counts as numbers', () => {
  it('catalog list', () => {
    const rows = json(['catalog', 'list', '--json']);
    expect(rows.find((r: { dataset: string }) => r.dataset === DATASET)).toMatchObject({ row_count: 990, current_version: 1 });
  });

  it('catalog show', () => {
    const shown = json(['catalog', 'show', DATASET, '--json']);
    expect(shown.resource.row_count).toBe(990);
    expect(shown.version.row_count).toBe(990);
    expect(shown.versions[0].row_count).toBe(990);
    expect(shown.columns[0]).toMatchObject({ rows: 990, nulls: 3, distinct_estimate: 980, semantic_checked: 987, semantic_valid: 985, min_length: null });
  });

  it('quarantine list, leaving the original record as it was', () => {
    const listed = json(['quarantine', 'list', RUN, '--json']);
    expect(listed.groups).toEqual([expect.objectContaining({ rule_id: 'mobile.valid', count: 1 })]);
    expect(listed.entries[0].record).toEqual({ mobile: '123', rows: '7' });
  });

  it('runs and quality', () => {
    const runs = json(['runs', '--dataset', DATASET, '--json']);
    expect(runs[0]).toMatchObject({ run_id: RUN, records_in: 1000, records_out: 990, records_rejected: 10, accuracy: 0.99 });
    const quality = json(['quality', DATASET, '--json']);
    expect(quality.indicators[0]).toMatchObject({ indicator: 'accuracy', a: 990, b: 1000, value: 0.99 });
  });
});

describe('a database that was never migrated', () => {
  const emptyUrl = `${TEST_DATABASE_URL}_cli_empty`;
  const admin = () => new pg.Client({ connectionString: TEST_DATABASE_URL });

  beforeAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${new URL(emptyUrl).pathname.slice(1)}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${new URL(emptyUrl).pathname.slice(1)}"`);
    await client.end();
  });
  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${new URL(emptyUrl).pathname.slice(1)}" WITH (FORCE)`);
    await client.end();
  });

  it('says to run dataops migrate, and so does a missing database', () => {
    const result = runCli(['catalog', 'list'], { DATABASE_URL: emptyUrl });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`error: the database at ${emptyUrl} has no dataops schema yet; create it with: dataops migrate\n`);
    const missing = runCli(['runs'], { DATABASE_URL: `${TEST_DATABASE_URL}_cli_missing` });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does not exist; create it and its schema with: dataops migrate');
  });
});
