import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema } from '../../schemas/job-spec.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';
import { withSourceDb } from '../support/source-db.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';

const OTHERS = 5_000;
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-cleanse-dedup');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.citizens_dup, public.movers');
    await client.query('CREATE TABLE public.citizens_dup (id integer PRIMARY KEY, citizen_id text, mobile text)');
    await client.query(`INSERT INTO public.citizens_dup SELECT g, '11010519491231002X', '13800000000' FROM generate_series(1, 500) g`);
    // The same person three times: the first two written with formatting the normalisers fix, the last
    // one wins. Between them 5,000 other people (~300 KB of COPY text, several reads of the source
    // stream), so with batches of 100 rows the winner commits batches after the rows it beats.
    await client.query('CREATE TABLE public.movers (id integer PRIMARY KEY, citizen_id text, mobile text, updated_at text)');
    const others = Array.from({ length: OTHERS }, (_, i) => {
      const born = `${1950 + Math.floor(i / 1000)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
      const body = `310112${born}${String(i % 1000).padStart(3, '0')}`;
      return `(${10 + i}, '${body}${citizenIdCheckChar(body)}', '139${String(i).padStart(8, '0')}', '2020-06-01T08:00:00+08:00')`;
    });
    await client.query(`INSERT INTO public.movers VALUES
      (1, '11010519491231002x', '+86 138-0000-0000', '2020-01-01T08:00:00+08:00'),
      (2, ' 11010519491231002X ', '0086 138 0000 0001', '2021-01-01T08:00:00+08:00'),
      ${others.join(',\n      ')},
      (${10 + OTHERS}, '11010519491231002X', '13800000002', '2022-01-01T08:00:00+08:00')`);
  });
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

describe('de-duplication', () => {
  it('quarantines every duplicate even when they share one source reference', async () => {
    const s = cleanseJobSpecSchema.parse({
      kind: 'cleanse',
      job: 'dup-refs',
      dataset: 'dup-refs',
      department: 'test',
      today: '2026-11-01',
      source: { type: 'table', connection: 'dept_source', table: 'public.citizens_dup' },
      key: ['citizen_id'],
      target: { table: 'clean.dup_refs' },
      rules: { dedup: { key: ['citizen_id'], survivorship: 'first' } },
    });
    const { handle, runId } = await startJob(env.client, env.config, s, `cleanse:dup-refs:${Date.now()}`);
    const result = (await handle.result()) as CleanseResult;
    expect(result.stage).toMatchObject({ clean: 1, rejected: 499 });
    const refs = await env.db('dataops.quarantine').where({ run_id: runId }).countDistinct<{ n: string }[]>('source_ref as n');
    expect(Number(refs[0]!.n)).toBe(1);
    const duplicates = await env.db('dataops.quarantine').where({ run_id: runId, rule_id: 'deep.duplicate' }).select('duplicate_of');
    expect(duplicates).toHaveLength(499);
    // Each one names the record that was kept (here the key is the same for all of them).
    expect(new Set(duplicates.map((d) => d.duplicate_of))).toEqual(new Set(['citizen_id=11010519491231002X']));
  });

  it('under latest-wins, superseded rows reach quarantine as the source had them, not as normalised', async () => {
    const s = cleanseJobSpecSchema.parse({
      kind: 'cleanse',
      job: 'movers',
      dataset: 'movers',
      department: 'test',
      today: '2026-11-01',
      source: { type: 'table', connection: 'dept_source', table: 'public.movers' },
      key: ['id'],
      target: { table: 'clean.movers' },
      options: { batchRows: 100 },
      rules: {
        columns: { citizen_id: { normalise: ['citizen_id'], validate: ['citizen_id.valid'] }, mobile: { normalise: ['mobile'], validate: ['mobile.valid'] } },
        dedup: { key: ['citizen_id'], survivorship: 'latest', orderBy: 'updated_at' },
      },
    });
    const { handle, runId } = await startJob(env.client, env.config, s, `cleanse:movers:${Date.now()}`);
    const result = (await handle.result()) as CleanseResult;
    expect(result.stage).toMatchObject({ rows: OTHERS + 3, clean: OTHERS + 1, rejected: 2 });
    expect(result.stage.batches).toBeGreaterThanOrEqual(3);
    const quarantined = await env
      .db('dataops.quarantine')
      .where({ run_id: runId })
      .orderBy('source_ref')
      .select('source_ref', 'rule_id', 'duplicate_of', 'record');
    // id=2 beat id=1 and was beaten in turn by the last row: both name the row that stayed.
    expect(quarantined).toEqual([
      {
        source_ref: 'id=1',
        rule_id: 'deep.duplicate',
        duplicate_of: `id=${10 + OTHERS}`,
        record: { id: '1', citizen_id: '11010519491231002x', mobile: '+86 138-0000-0000', updated_at: '2020-01-01T08:00:00+08:00' },
      },
      {
        source_ref: 'id=2',
        rule_id: 'deep.duplicate',
        duplicate_of: `id=${10 + OTHERS}`,
        record: { id: '2', citizen_id: ' 11010519491231002X ', mobile: '0086 138 0000 0001', updated_at: '2021-01-01T08:00:00+08:00' },
      },
    ]);
    const winner = await env.db('clean.movers').where({ citizen_id: '11010519491231002X' }).select('id', 'mobile');
    expect(winner).toEqual([{ id: 10 + OTHERS, mobile: '13800000002' }]);
    const columns = await env.db.raw(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'clean' AND table_name = 'movers' ORDER BY ordinal_position",
    );
    expect(columns.rows.map((r: { column_name: string }) => r.column_name)).toEqual(['id', 'citizen_id', 'mobile', 'updated_at', 'dataops_flags']);
  });
});
