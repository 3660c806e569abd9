import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDb, closeAllDbs } from '../../db/knex.ts';
import { CITIZEN_ID_REASONS } from '../../governance/rules/validators.ts';
import { runCli } from '../support/cli.ts';
import { TEST_DATABASE_URL } from '../support/urls.ts';

// quarantine list and show against rows written here directly: which run a dataset means, and a
// summary by rule and specific reason.
const env = { DATABASE_URL: TEST_DATABASE_URL };
const DATASET = 'cli-quarantine';
const PUBLISHED = 'cleanse:cli-quarantine:20261201T010000';
const LATER_FAILED = 'cleanse:cli-quarantine:20261201T020000';
const db = centreDb(TEST_DATABASE_URL);

const run = (runId: string, status: string, startedAt: string) => ({
  run_id: runId,
  job: DATASET,
  kind: 'cleanse',
  dataset: DATASET,
  department: 'civil-affairs',
  workflow_id: runId,
  status,
  spec: '{}',
  started_at: startedAt,
  ended_at: startedAt,
});

const entry = (sourceRef: string, ruleId: string, reason: { en: string; zh: string }, extra: Record<string, unknown> = {}) => ({
  run_id: PUBLISHED,
  step: 'cleanse',
  source_ref: sourceRef,
  rule_id: ruleId,
  column_name: 'citizen_id',
  severity: 'reject',
  reason: reason.en,
  reason_zh: reason.zh,
  record: JSON.stringify({ id: sourceRef.slice(3), citizen_id: 'x' }),
  ...extra,
});

beforeAll(async () => {
  await db('dataops.runs').whereIn('run_id', [PUBLISHED, LATER_FAILED]).delete();
  await db('dataops.catalogue_resources').where({ dataset: DATASET }).delete();
  await db('dataops.runs').insert([run(PUBLISHED, 'succeeded', '2026-12-01T01:00:00Z'), run(LATER_FAILED, 'failed', '2026-12-01T02:00:00Z')]);
  const [{ id }] = await db('dataops.catalogue_resources')
    .insert({
      dataset: DATASET,
      table_ref: 'clean.cli_quarantine',
      department: 'civil-affairs',
      update_frequency: 'daily',
      sensitivity: 'L4',
      current_version: 1,
      row_count: 10,
    })
    .returning('id');
  await db('dataops.catalogue_versions').insert({
    resource_id: id,
    version: 1,
    run_id: PUBLISHED,
    table_ref: 'clean.cli_quarantine',
    mode: 'replace',
    row_count: 10,
    schema_hash: 'h',
  });
  await db('dataops.quarantine').insert([
    entry('id=1', 'citizen_id.valid', CITIZEN_ID_REASONS.check),
    entry('id=2', 'citizen_id.valid', CITIZEN_ID_REASONS.check),
    entry('id=3', 'citizen_id.valid', CITIZEN_ID_REASONS.birth),
    entry('id=4', 'deep.duplicate', { en: 'duplicate record', zh: '重复记录' }, { duplicate_of: 'id=9' }),
  ]);
});
afterAll(async () => {
  await db('dataops.runs').whereIn('run_id', [PUBLISHED, LATER_FAILED]).delete();
  await db('dataops.catalogue_resources').where({ dataset: DATASET }).delete();
  await closeAllDbs();
});

describe('quarantine list and show', () => {
  it('a dataset means its newest published run, not a newer failed one, and says so', () => {
    const result = runCli(['quarantine', 'list', DATASET], env);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`showing run ${PUBLISHED}, the newest published run of dataset ${DATASET}`);
    expect(result.stdout).toContain(`${PUBLISHED}: 4 records quarantined`);
  });

  it('counts each specific reason of a rule apart, and names the kept record of a duplicate', () => {
    const listed = JSON.parse(runCli(['quarantine', 'list', DATASET, '--json'], env).stdout);
    expect(listed.groups).toEqual([
      { rule_id: 'citizen_id.valid', column_name: 'citizen_id', reason: CITIZEN_ID_REASONS.check.en, reason_zh: CITIZEN_ID_REASONS.check.zh, count: 2 },
      { rule_id: 'citizen_id.valid', column_name: 'citizen_id', reason: CITIZEN_ID_REASONS.birth.en, reason_zh: CITIZEN_ID_REASONS.birth.zh, count: 1 },
      { rule_id: 'deep.duplicate', column_name: 'citizen_id', reason: 'duplicate record', reason_zh: '重复记录', count: 1 },
    ]);
    const table = runCli(['quarantine', 'list', PUBLISHED], env).stdout;
    expect(table).toMatch(/citizen_id\.valid\s+citizen_id\s+2\s+公民身份号码校验码错误/);
    expect(table).toMatch(/id=4\s+deep\.duplicate\s+citizen_id\s+x\s+id=9/);
    expect(runCli(['quarantine', 'show', DATASET, 'id=4'], env).stdout).toContain('deep.duplicate on citizen_id: 重复记录 / duplicate record (kept: id=9)');
  });
});
