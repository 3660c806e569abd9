import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { closeAllDbs } from '../../db/knex.ts';

const truth = JSON.parse(readFileSync(join(PROJECT_ROOT, 'samples', 'data', 'truth.json'), 'utf8')) as {
  files: Record<string, { rows: number }>;
};

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-collect-files');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

async function count(table: string): Promise<number> {
  const [{ n }] = (await env.db.raw(`SELECT count(*)::int AS n FROM ${table}`)).rows;
  return n;
}

describe('collect from files', () => {
  it('collects the UTF-8 residents CSV, profiles it and catalogues it', async () => {
    const spec = collectSpec({
      dataset: 'it-residents',
      department: 'civil-affairs',
      sourceSystem: 'household-registry',
      updateFrequency: 'daily',
      source: { type: 'file', connection: 'samples', path: 'residents.csv' },
      target: { table: 'raw.it_residents' },
      options: { batchRows: 500 },
    });
    const result = await runCollect(env.client, env.config, spec);
    const expectedRows = truth.files['residents.csv']!.rows;
    expect(result.stage.rows).toBe(expectedRows);
    expect(result.stage.batches).toBeGreaterThan(1);
    expect(await count('raw.it_residents')).toBe(expectedRows);

    const types = (
      await env.db.raw(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'it_residents' ORDER BY ordinal_position`,
      )
    ).rows;
    expect(types).toContainEqual({ column_name: 'resident_id', data_type: 'integer' });
    expect(types).toContainEqual({ column_name: 'citizen_id', data_type: 'text' });
    expect(types).toContainEqual({ column_name: 'mobile', data_type: 'text' });

    const resource = await env.db('dataops.catalogue_resources').where({ dataset: 'it-residents' }).first();
    expect(resource).toMatchObject({
      department: 'civil-affairs',
      source_system: 'household-registry',
      update_frequency: 'daily',
      sensitivity: 'L4',
      current_version: 1,
    });
    expect(Number(resource.row_count)).toBe(expectedRows);
    const columns = await env.db('dataops.catalogue_columns').where({ resource_id: resource.id, version: 1 }).orderBy('ordinal');
    expect(columns.map((c) => c.name)).toEqual([
      'resident_id',
      'name',
      'citizen_id',
      'gender',
      'birth_date',
      'mobile',
      'street',
      'address',
      'registered_at',
      'updated_at',
    ]);
    const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
    expect(byName.citizen_id.semantic_type).toBe('citizen_id');
    expect(byName.mobile.semantic_type).toBe('mobile');
    expect(byName.citizen_id.sensitivity).toBe('L4');
    // The generator injected invalid IDs, so some (not all) values fail the validator.
    expect(Number(byName.citizen_id.semantic_valid)).toBeLessThan(Number(byName.citizen_id.semantic_checked));
    expect(Number(byName.citizen_id.semantic_valid)).toBeGreaterThan(0.9 * expectedRows);
    expect(Number(byName.resident_id.distinct_estimate)).toBeGreaterThan(expectedRows * 0.97);
    expect(Number(byName.resident_id.distinct_estimate)).toBeLessThan(expectedRows * 1.03);
    expect(byName.resident_id.min_value).toBe('1');
    expect(byName.resident_id.max_value).toBe(String(expectedRows));

    const metrics = await env.db('dataops.step_metrics').where({ run_id: result.runId });
    expect(metrics).toHaveLength(1);
    expect(Number(metrics[0].records_in)).toBe(expectedRows);
    expect(Number(metrics[0].bytes)).toBeGreaterThan(0);
    const completeness = await env.db('dataops.quality_indicators').where({ run_id: result.runId, column_name: '', indicator: 'completeness' }).first();
    expect(Number(completeness.b)).toBe(expectedRows * 10);
    expect(Number(completeness.a)).toBeLessThan(Number(completeness.b));
    const run = await env.db('dataops.runs').where({ run_id: result.runId }).first();
    expect(run).toMatchObject({ status: 'succeeded', dataset: 'it-residents' });
    expect(Number(run.records_out)).toBe(expectedRows);
    expect(await env.db('dataops.checkpoints').where({ run_id: result.runId, status: 'published' })).toHaveLength(1);
  });

  it('re-running a replace-mode job replaces the data and adds a catalogue version, never appends', async () => {
    const spec = collectSpec({
      dataset: 'it-residents-rerun',
      source: { type: 'file', connection: 'samples', path: 'residents.csv' },
      target: { table: 'raw.it_residents_rerun', mode: 'replace' },
    });
    await runCollect(env.client, env.config, spec);
    await runCollect(env.client, env.config, spec);
    expect(await count('raw.it_residents_rerun')).toBe(truth.files['residents.csv']!.rows);
    const resource = await env.db('dataops.catalogue_resources').where({ dataset: 'it-residents-rerun' }).first();
    expect(resource.current_version).toBe(2);
    expect(await env.db('dataops.catalogue_versions').where({ resource_id: resource.id })).toHaveLength(2);
  });

  it('collects the GBK enterprises CSV in versioned mode: a table per version and a view on the newest', async () => {
    const spec = collectSpec({
      dataset: 'it-enterprises',
      source: { type: 'file', connection: 'samples', path: 'enterprises.csv', encoding: 'gbk' },
      target: { table: 'raw.it_enterprises', mode: 'version' },
    });
    const first = await runCollect(env.client, env.config, spec);
    const second = await runCollect(env.client, env.config, spec);
    expect(first.publish.table).toBe('raw.it_enterprises_v1');
    expect(second.publish.table).toBe('raw.it_enterprises_v2');
    const rows = truth.files['enterprises.csv']!.rows;
    expect(await count('raw.it_enterprises_v1')).toBe(rows);
    expect(await count('raw.it_enterprises')).toBe(rows);
    const view = (await env.db.raw(`SELECT definition FROM pg_views WHERE schemaname = 'raw' AND viewname = 'it_enterprises'`)).rows[0];
    expect(view.definition).toContain('it_enterprises_v2');
    // GBK was decoded, not passed through as mojibake.
    const names = (await env.db.raw(`SELECT name FROM raw.it_enterprises ORDER BY enterprise_id LIMIT 3`)).rows.map((r: { name: string }) => r.name);
    for (const name of names) expect(name).toMatch(/^上海.+公司$/);
    const resource = await env.db('dataops.catalogue_resources').where({ dataset: 'it-enterprises' }).first();
    const credit = await env.db('dataops.catalogue_columns').where({ resource_id: resource.id, version: 2, name: 'credit_code' }).first();
    expect(credit.semantic_type).toBe('credit_code');
  });

  it('collects NDJSON', async () => {
    const spec = collectSpec({
      dataset: 'it-residents-ndjson',
      source: { type: 'file', connection: 'samples', path: 'residents.ndjson', format: 'ndjson' },
      target: { table: 'raw.it_residents_ndjson' },
    });
    const result = await runCollect(env.client, env.config, spec);
    expect(result.publish.rows).toBe(truth.files['residents.ndjson']!.rows);
    const same = (
      await env.db.raw(
        `SELECT count(*)::int AS n FROM raw.it_residents_ndjson j JOIN raw.it_residents r USING (resident_id) WHERE j.citizen_id IS NOT DISTINCT FROM r.citizen_id AND j.name IS NOT DISTINCT FROM r.name`,
      )
    ).rows[0].n;
    expect(same).toBe(truth.files['residents.ndjson']!.rows);
  });
});

describe('typing CSV columns while staging', () => {
  it('widens numbers in place and restages a column that turns out to be text, keeping every value as written', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = join(mkdtempSync(join(tmpdir(), 'dataops-typing-')), 'late.csv');
    let text = 'id,amount,flag\n';
    // Far beyond the first read chunk: the late values arrive after the types were speculated.
    for (let i = 1; i <= 30_000; i++) text += `${i},${i === 29_000 ? '12.5' : i},${i === 29_999 ? 'U' : i % 2 ? 'T' : 'F'}\n`;
    writeFileSync(path, text);
    const spec = collectSpec({
      dataset: 'it-late-types',
      source: { type: 'file', path },
      target: { table: 'raw.it_late_types' },
      options: { batchRows: 5_000 },
    });
    await runCollect(env.client, env.config, spec);
    const types = (
      await env.db.raw(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'it_late_types' ORDER BY ordinal_position`,
      )
    ).rows;
    expect(types).toEqual([
      { column_name: 'id', data_type: 'integer' },
      { column_name: 'amount', data_type: 'numeric' },
      { column_name: 'flag', data_type: 'text' },
    ]);
    const flags = (await env.db.raw('SELECT flag, count(*)::int AS n FROM raw.it_late_types GROUP BY flag ORDER BY flag')).rows;
    expect(flags).toEqual([
      { flag: 'F', n: 15_000 },
      { flag: 'T', n: 14_999 },
      { flag: 'U', n: 1 },
    ]);
    const amount = (await env.db.raw('SELECT sum(amount)::text AS s FROM raw.it_late_types')).rows[0].s;
    expect(amount).toBe(String((30_000 * 30_001) / 2 - 29_000 + 12.5));
  });
});

describe('a table belongs to one dataset', () => {
  it('a second dataset publishing into the same table is refused, and the first keeps its data and catalogue entry', async () => {
    const source = { type: 'file' as const, connection: 'samples', path: 'residents.csv' };
    const first = await runCollect(env.client, env.config, collectSpec({ dataset: 'owner-a', source, target: { table: 'raw.owned_table' } }));
    const spec = collectSpec({
      dataset: 'owner-b',
      source: { type: 'file', connection: 'samples', path: 'enterprises.csv' },
      target: { table: 'raw.owned_table' },
    });
    const { handle, runId } = await startCollect(env.client, env.config, spec);
    await expectWorkflowFailure(handle, /table raw\.owned_table belongs to dataset "owner-a"; dataset "owner-b" cannot publish into it/);
    expect(await env.db('dataops.runs').where({ run_id: runId }).first('status')).toEqual({ status: 'failed' });
    expect(await count('raw.owned_table')).toBe(first.publish.rows);
    expect(await env.db('dataops.catalogue_resources').where({ table_ref: 'raw.owned_table' }).select('dataset')).toEqual([{ dataset: 'owner-a' }]);
  });
});

describe('two first publishes into one table', () => {
  it('started together, one publishes and the other is refused at publish: never two owners', async () => {
    const source = { type: 'file' as const, connection: 'samples', path: 'residents.csv' };
    const runs = await Promise.all(
      ['race-a', 'race-b'].map((dataset) => startCollect(env.client, env.config, collectSpec({ dataset, source, target: { table: 'raw.raced_table' } }))),
    );
    const outcomes = await Promise.allSettled(runs.map((r) => r.handle.result()));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const owners = await env.db('dataops.catalogue_resources').where({ table_ref: 'raw.raced_table' }).select('dataset');
    expect(owners).toHaveLength(1);
  });
});
