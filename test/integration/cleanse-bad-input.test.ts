import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema, type CleanseJobSpec } from '../../schemas/job-spec.ts';
import { withSourceDb } from '../support/source-db.ts';
import { closeAllDbs } from '../../db/knex.ts';

let env: TestEnv;
let counter = 0;
beforeAll(async () => {
  env = await startTestEnv('test-cleanse-bad-input');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.citizens');
    await client.query('CREATE TABLE public.citizens (id integer PRIMARY KEY, citizen_id text, mobile text)');
    await client.query(`INSERT INTO public.citizens SELECT g, '11010519491231002X', '13800000000' FROM generate_series(1, 500) g`);
  });
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

function spec(rules: object, references: object = {}): CleanseJobSpec {
  counter += 1;
  return cleanseJobSpecSchema.parse({
    kind: 'cleanse',
    job: `bad-cleanse-${counter}`,
    dataset: `bad-cleanse-${counter}`,
    department: 'test',
    source: { type: 'table', connection: 'dept_source', table: 'public.citizens' },
    key: ['id'],
    target: { table: `clean.bad_cleanse_${counter}` },
    rules,
    references,
    today: '2026-11-01',
  });
}

async function expectRefusedBeforeAnyRow(s: CleanseJobSpec, message: RegExp) {
  const { handle, runId } = await startJob(env.client, env.config, s, `cleanse:${s.dataset}:${Date.now()}`);
  await expectWorkflowFailure(handle, message);
  expect(await env.db('dataops.quarantine').where({ run_id: runId })).toHaveLength(0);
  // What remains of the checkpoint is a fenced tombstone: no state a later attempt could resume from.
  const checkpoints = await env.db('dataops.checkpoints').where({ run_id: runId });
  for (const c of checkpoints)
    expect({ status: c.status, keys: Object.keys(c.state).sort() }).toEqual({ status: 'abandoned', keys: ['owner', 'stagingTable'] });
  expect((await env.db.raw('SELECT to_regclass(?) AS oid', [s.target.table])).rows[0].oid).toBeNull();
  expect((await env.db('dataops.runs').where({ run_id: runId }).first()).status).toBe('failed');
}

describe('cleanse specs that cannot work fail before any row is written', () => {
  it('an unknown rule name, with suggestions', async () => {
    await expectRefusedBeforeAnyRow(spec({ columns: { mobile: { validate: ['mobile.vaild'] } } }), /unknown .*'mobile\.vaild'.*did you mean mobile\.valid/);
  });

  it('a rule on a column the source does not have', async () => {
    await expectRefusedBeforeAnyRow(spec({ columns: { phone: { validate: ['mobile.valid'] } } }), /phone.*(unknown|not).*column|column.*phone/i);
  });

  it('a reference table that does not exist', async () => {
    await expectRefusedBeforeAnyRow(
      spec(
        { columns: { mobile: { validate: [{ rule: 'value.code_table', params: { table: 'codes' } }] } } },
        { codes: { type: 'table', connection: 'dept_source', table: 'public.no_such_codes', column: 'code' } },
      ),
      /reference "codes": table public\.no_such_codes does not exist on connection "dept_source"/,
    );
  });

  it('a source column named like one of the staging bookkeeping columns', async () => {
    const s = {
      ...spec({ columns: { mobile: { validate: ['mobile.valid'] } } }),
      source: {
        type: 'query' as const,
        connection: 'dept_source',
        sql: 'SELECT id, mobile, citizen_id AS dataops_flags FROM public.citizens',
        key: 'id',
        columnNames: 'keep' as const,
      },
    };
    await expectRefusedBeforeAnyRow(s, /source column\(s\) dataops_flags use a name cleansing reserves/);
  });

  it('a dedup key that is not in the data', async () => {
    await expectRefusedBeforeAnyRow(spec({ dedup: { key: ['credit_code'], survivorship: 'first' } }), /dedup.*credit_code|credit_code.*dedup/);
  });
});
