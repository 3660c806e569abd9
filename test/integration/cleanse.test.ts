import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { loadJobSpec } from '../../cli/load-spec.ts';
import { startJob } from '../../client/start-job.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';
import type { JobSpec } from '../../schemas/job-spec.ts';

interface TruthRow {
  line: number;
  defect: string;
  action: 'fix' | 'reject' | 'flag' | 'report' | 'dedupe';
  field: string;
  expected?: string;
  resident_id?: number;
  enterprise_id?: number;
}
const truth = JSON.parse(readFileSync(join(PROJECT_ROOT, 'samples', 'data', 'truth.json'), 'utf8')) as {
  files: Record<string, { rows: number }>;
  defectiveRows: Record<string, TruthRow[]>;
};

let env: TestEnv;
let counter = 0;
beforeAll(async () => {
  env = await startTestEnv('test-cleanse');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

async function run(job: string): Promise<CleanseResult> {
  const spec: JobSpec = loadJobSpec(join(PROJECT_ROOT, 'samples', 'jobs', job));
  const { handle } = await startJob(env.client, env.config, spec, `${spec.kind}:${spec.dataset}:test-${Date.now()}-${++counter}`);
  return (await handle.result()) as CleanseResult;
}

const rowsWith = (file: string, action: TruthRow['action'], defects?: string[]) =>
  truth.defectiveRows[file]!.filter((r) => r.action === action && (!defects || defects.includes(r.defect)));

async function quarantineByRule(runId: string): Promise<Record<string, string[]>> {
  const rows = await env.db('dataops.quarantine').where({ run_id: runId }).select('rule_id', 'source_ref').orderBy('id');
  const byRule: Record<string, string[]> = {};
  for (const r of rows) {
    byRule[r.rule_id] ??= [];
    byRule[r.rule_id]!.push(r.source_ref);
  }
  for (const refs of Object.values(byRule)) refs.sort();
  return byRule;
}

const refs = (rows: TruthRow[], key: 'resident_id' | 'enterprise_id') => rows.map((r) => `${key}=${r[key]}`).sort();

describe('cleansing the bundled samples against the generator ground truth', () => {
  it('residents: exact clean, flagged and quarantined counts per rule, fixes applied', async () => {
    await run('collect-residents.yaml');
    const result = await run('cleanse-residents.yaml');
    const file = 'residents.csv';
    const rejected = [...rowsWith(file, 'reject'), ...rowsWith(file, 'dedupe')];
    const flagged = rowsWith(file, 'report');
    expect(result.stage.rows).toBe(truth.files[file]!.rows);
    expect(result.stage.rejected).toBe(rejected.length);
    expect(result.stage.flagged).toBe(flagged.length);
    expect(result.stage.clean).toBe(truth.files[file]!.rows - rejected.length - flagged.length);
    expect(result.publish.published).toBe(result.stage.clean + result.stage.flagged);

    const byRule = await quarantineByRule(result.runId);
    expect(Object.keys(byRule).sort()).toEqual([
      'citizen_id.valid',
      'deep.duplicate',
      'deep.id_birth_consistency',
      'deep.id_gender_consistency',
      'mobile.valid',
    ]);
    expect(byRule['citizen_id.valid']).toEqual(refs(rowsWith(file, 'reject', ['citizen_id_bad_check', 'citizen_id_bad_birth']), 'resident_id'));
    expect(byRule['mobile.valid']).toEqual(refs(rowsWith(file, 'reject', ['mobile_invalid']), 'resident_id'));
    expect(byRule['deep.id_birth_consistency']).toEqual(refs(rowsWith(file, 'reject', ['birth_date_mismatch']), 'resident_id'));
    expect(byRule['deep.id_gender_consistency']).toEqual(refs(rowsWith(file, 'reject', ['gender_mismatch']), 'resident_id'));
    expect(byRule['deep.duplicate']).toEqual(refs(rowsWith(file, 'dedupe'), 'resident_id'));
    const sample = await env.db('dataops.quarantine').where({ run_id: result.runId, rule_id: 'citizen_id.valid' }).first();
    expect(sample.reason).toMatch(/citizen ID/);
    expect(sample.reason_zh).toMatch(/身份/);
    expect(Object.keys(sample.record)).toContain('citizen_id');
    // Every quarantined record is the source row as it was, before any normaliser: superseded duplicates too.
    const columns = Object.keys(sample.record);
    // Read in the centre's time zone, as the cleanse read its source.
    const rawRows = await env.db.transaction(async (trx) => {
      await trx.raw("SET LOCAL TimeZone = 'Asia/Shanghai'");
      const result = await trx.raw<{ rows: Record<string, string | null>[] }>(
        `SELECT ${columns.map((c) => `${c}::text AS ${c}`).join(', ')} FROM raw.residents`,
      );
      return result.rows;
    });
    const original = new Map(rawRows.map((r) => [`resident_id=${r.resident_id}`, r]));
    const quarantined = await env.db('dataops.quarantine').where({ run_id: result.runId }).select('source_ref', 'rule_id', 'record');
    for (const q of quarantined) expect(q.record, `${q.rule_id} ${q.source_ref}`).toEqual(original.get(q.source_ref));
    // Timestamps read as the department wrote them: its local time and offset, not UTC.
    const csv = new Map(
      readFileSync(join(PROJECT_ROOT, 'samples', 'data', 'residents.csv'), 'utf8')
        .split('\n')
        .slice(1)
        .map((line) => [`resident_id=${line.split(',')[0]}`, line.split(',')[9]]),
    );
    const mobile = quarantined.find((q) => q.rule_id === 'mobile.valid')!;
    const written = csv.get(mobile.source_ref)!;
    expect(written).toMatch(/\+08:00$/);
    expect(mobile.record.updated_at).toBe(written.replace('T', ' ').replace(/:00$/, ''));

    // Every fixable defect arrives fixed; flagged rows carry their flags.
    const published = await env.db('clean.residents').select('*');
    const byId = new Map(published.map((r) => [Number(r.resident_id), r]));
    for (const fix of rowsWith(file, 'fix')) {
      const row = byId.get(fix.resident_id!);
      expect(row, `resident ${fix.resident_id} (${fix.defect})`).toBeDefined();
      if (fix.expected !== undefined) expect(String(row[fix.field]), `${fix.defect} of resident ${fix.resident_id}`).toBe(fix.expected);
    }
    const flaggedIds = published
      .filter((r) => r.dataops_flags !== null)
      .map((r) => Number(r.resident_id))
      .sort((a, b) => a - b);
    expect(flaggedIds).toEqual(flagged.map((r) => r.resident_id!).sort((a, b) => a - b));

    const overall = await env.db('dataops.quality_indicators').where({ run_id: result.runId, column_name: '', indicator: 'accuracy.overall' }).first();
    expect([Number(overall.a), Number(overall.b)]).toEqual([result.publish.published, result.stage.rows]);
    expect(result.publish.accuracy).toBeCloseTo(result.publish.published / result.stage.rows, 12);
    // A parent indicator is the mean of its children.
    const consistency = await env.db('dataops.quality_indicators').where({ run_id: result.runId, parent: 'consistency' });
    const columnLevel = await env.db('dataops.quality_indicators').where({ run_id: result.runId, indicator: 'consistency' }).whereNot({ column_name: '' });
    for (const parent of columnLevel) {
      const children = consistency.filter((c) => c.column_name === parent.column_name).map((c) => Number(c.value));
      expect(Number(parent.value)).toBeCloseTo(children.reduce((a, b) => a + b, 0) / children.length, 12);
    }
    const runRow = await env.db('dataops.runs').where({ run_id: result.runId }).first();
    expect(runRow).toMatchObject({ status: 'succeeded', kind: 'cleanse' });
    // The served table is catalogued with column profiles of what it now holds: every citizen ID valid.
    const version = await env.db('dataops.catalogue_versions').where({ run_id: result.runId }).first();
    const profiles = await env.db('dataops.catalogue_columns').where({ resource_id: version.resource_id, version: version.version });
    const citizenId = profiles.find((p) => p.name === 'citizen_id');
    expect(Number(citizenId.rows)).toBe(result.publish.published);
    expect(citizenId.semantic_type).toBe('citizen_id');
    expect(Number(citizenId.semantic_valid)).toBe(result.publish.published);
    // Types are named as for collected tables, whatever spelling PostgreSQL's format_type used.
    expect(profiles.find((p) => p.name === 'registered_at').data_type).toBe('timestamptz');
    const resource = await env.db('dataops.catalogue_resources').where({ id: version.resource_id }).first();
    expect(resource.sensitivity).toBe('L4');
    const metrics = await env.db('dataops.step_metrics').where({ run_id: result.runId });
    expect(metrics).toHaveLength(1);
    expect(Number(metrics[0].records_flagged)).toBe(flagged.length);
  });

  it('enterprises: pilot credit codes are flagged, not dropped; invalid ones quarantined', async () => {
    await run('collect-enterprises.yaml');
    const result = await run('cleanse-enterprises.yaml');
    const file = 'enterprises.csv';
    const byRule = await quarantineByRule(result.runId);
    expect(byRule['credit_code.valid']).toEqual(refs(rowsWith(file, 'reject', ['credit_code_bad_check']), 'enterprise_id'));
    expect(byRule['value.range']).toEqual(refs(rowsWith(file, 'reject', ['capital_negative']), 'enterprise_id'));
    expect(byRule['deep.not_future']).toEqual(refs(rowsWith(file, 'reject', ['established_future']), 'enterprise_id'));
    expect(byRule['deep.duplicate']).toEqual(refs(rowsWith(file, 'dedupe'), 'enterprise_id'));
    const pilots = rowsWith(file, 'flag', ['credit_code_pilot']).map((r) => r.enterprise_id!);
    const flagged = await env.db('clean.enterprises').whereNotNull('dataops_flags').select('enterprise_id', 'dataops_flags');
    const pilotRows = flagged.filter((r) => (r.dataops_flags as { rule: string }[]).some((f) => f.rule === 'credit_code.pilot'));
    expect(pilotRows.map((r) => Number(r.enterprise_id)).sort((a, b) => a - b)).toEqual(pilots.sort((a, b) => a - b));
    expect(result.stage.flagged).toBe(rowsWith(file, 'flag').length + rowsWith(file, 'report').length);
  });
});
