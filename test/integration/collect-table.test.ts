import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect } from '../support/run-job.ts';
import { tableDigest, withSourceDb } from '../support/source-db.ts';
import { TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { closeAllDbs } from '../../db/knex.ts';

const ROWS = 30_000;
let env: TestEnv;

beforeAll(async () => {
  env = await startTestEnv('test-collect-table');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.people');
    await client.query(`CREATE TABLE public.people (
      id integer PRIMARY KEY, name text, note text, income numeric(12,2), born date, seen_at timestamptz, active boolean, tags jsonb)`);
    // Values with tabs, newlines, backslashes and quotes exercise COPY text escaping end to end.
    await client.query(`INSERT INTO public.people
      SELECT g, '居民' || g, CASE WHEN g % 7 = 0 THEN E'tab\\there\\nnew line \\\\ back "q"' WHEN g % 11 = 0 THEN NULL ELSE 'note ' || g END,
             (g * 13.37)::numeric(12,2), DATE '1950-01-01' + (g % 20000), TIMESTAMPTZ '2026-01-01 00:00:00+08' + g * INTERVAL '1 minute',
             g % 2 = 0, jsonb_build_object('g', g, 'street', '莘庄镇')
        FROM generate_series(1, ${ROWS}) g`);
  });
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

describe('collect from PostgreSQL', () => {
  it('copies a table exactly, keeping its column types, and catalogues it', async () => {
    const spec = collectSpec({
      dataset: 'it-people',
      department: 'human-resources',
      source: { type: 'table', connection: 'dept_source', table: 'public.people' },
      target: { table: 'raw.it_people' },
      options: { batchRows: 5_000 },
    });
    const result = await runCollect(env.client, env.config, spec);
    expect(result.stage.rows).toBe(ROWS);
    expect(result.stage.batches).toBeGreaterThanOrEqual(ROWS / 5_000);
    const source = await tableDigest(TEST_SOURCE_DATABASE_URL, 'public.people', 'id');
    const target = await tableDigest(TEST_DATABASE_URL, 'raw.it_people', 'id');
    expect(target).toEqual(source);
    const types = (
      await env.db.raw(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'it_people' ORDER BY ordinal_position`,
      )
    ).rows;
    expect(types.map((t: { data_type: string }) => t.data_type)).toEqual([
      'integer',
      'text',
      'text',
      'numeric',
      'date',
      'timestamp with time zone',
      'boolean',
      'jsonb',
    ]);
    const resource = await env.db('dataops.catalogue_resources').where({ dataset: 'it-people' }).first();
    const note = await env.db('dataops.catalogue_columns').where({ resource_id: resource.id, name: 'note' }).first();
    expect(Number(note.nulls)).toBe(Math.floor(ROWS / 11) - Math.floor(ROWS / 77));
  });

  it('collects a keyed query', async () => {
    const spec = collectSpec({
      dataset: 'it-people-even',
      source: { type: 'query', connection: 'dept_source', sql: 'SELECT id, name, income FROM public.people WHERE active', key: 'id' },
      target: { table: 'raw.it_people_even' },
    });
    const result = await runCollect(env.client, env.config, spec);
    expect(result.publish.rows).toBe(ROWS / 2);
    const sums = (await env.db.raw('SELECT sum(id)::bigint AS ids, sum(income) AS income FROM raw.it_people_even')).rows[0];
    const expected = await withSourceDb(
      async (c) => (await c.query('SELECT sum(id)::bigint AS ids, sum(income) AS income FROM public.people WHERE active')).rows[0],
    );
    expect(sums).toEqual(expected);
  });
});
