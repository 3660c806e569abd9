import { describe, expect, it } from 'vitest';
import { collectAll } from '../../samples/generator/collect.ts';
import { generateFusionChanges } from '../../samples/generator/fusion-changes.ts';
import { applyFusionChanges, loadFusionSources } from '../../samples/generator/fusion-pg.ts';
import { generateFusionSources } from '../../samples/generator/fusion-sources.ts';
import { DEFAULT_FUSION_SOURCES } from '../../samples/generator/fusion-spec.ts';
import { withSourceDb } from '../support/source-db.ts';
import { TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';

const OPTS = { population: 3000, seed: 11 };
const SCHEMA = `fusion_${process.pid}`;

describe('loadFusionSources and applyFusionChanges', () => {
  it('loads each source as an all-text table with its headers, the truth and the persons, then applies version 2', async () => {
    const expected = collectAll(generateFusionSources(OPTS));
    const summary = await loadFusionSources(TEST_SOURCE_DATABASE_URL, { ...OPTS, schema: SCHEMA });
    expect(summary.records).toBe(expected.items.length);

    await withSourceDb(async (c) => {
      const cols = await c.query(
        `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS cols, array_agg(DISTINCT data_type::text) AS types
           FROM information_schema.columns WHERE table_schema = $1 GROUP BY table_name`,
        [SCHEMA],
      );
      const byTable = new Map(cols.rows.map((r) => [r.table_name as string, r]));
      for (const spec of DEFAULT_FUSION_SOURCES) {
        expect(byTable.get(spec.name)?.cols).toEqual(spec.columns.map((x) => x.header));
        expect(byTable.get(spec.name)?.types).toEqual(['text']);
        const n = await c.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."${spec.name}"`);
        expect(n.rows[0].n).toBe(summary.perSource[spec.name]);
      }
      // Row for row what the generator yields, empty cells as NULL.
      const first = expected.items.find((r) => r.source === 'civil_affairs')!;
      const row = await c.query(`SELECT * FROM "${SCHEMA}".civil_affairs WHERE "记录号" = $1`, [first.recordId]);
      expect(Object.values(row.rows[0])).toEqual(first.values.map((v) => (v === '' ? null : v)));
      const truth = await c.query(`SELECT count(*)::int AS n, count(DISTINCT person_key)::int AS persons FROM "${SCHEMA}".fusion_truth`);
      expect(truth.rows[0]).toEqual({ n: expected.items.length, persons: 3000 });
      const persons = await c.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".fusion_persons`);
      expect(persons.rows[0].n).toBe(3000);
    });

    const changes = collectAll(generateFusionChanges(OPTS));
    const applied = await applyFusionChanges(TEST_SOURCE_DATABASE_URL, { ...OPTS, schema: SCHEMA });
    expect(applied).toEqual(changes.result);

    await withSourceDb(async (c) => {
      for (const spec of DEFAULT_FUSION_SOURCES) {
        const n = await c.query(`SELECT count(*)::int AS n FROM "${SCHEMA}"."${spec.name}"`);
        expect(n.rows[0].n).toBe(applied.perSource[spec.name]);
      }
      const truth = await c.query(`SELECT count(*)::int AS n FROM "${SCHEMA}".fusion_truth`);
      expect(truth.rows[0].n).toBe(applied.records);
      // Every record in a source table has exactly one truth row, and the other way round.
      const union = DEFAULT_FUSION_SOURCES.map(
        (s) => `SELECT '${s.name}' AS source, "${s.columns.find((x) => x.field === 'record_id')!.header}" AS record_id FROM "${SCHEMA}"."${s.name}"`,
      ).join(' UNION ALL ');
      const orphans = await c.query(
        `SELECT count(*)::int AS n FROM (${union}) r FULL JOIN "${SCHEMA}".fusion_truth t USING (source, record_id) WHERE r.record_id IS NULL OR t.person_key IS NULL`,
      );
      expect(orphans.rows[0].n).toBe(0);
      const moved = changes.items.find((ch) => ch.kind === 'moved')!;
      const spec = DEFAULT_FUSION_SOURCES[moved.sourceIndex]!;
      const rid = spec.columns.find((x) => x.field === 'record_id')!.header;
      const row = await c.query(`SELECT * FROM "${SCHEMA}"."${spec.name}" WHERE "${rid}" = $1`, [moved.recordId]);
      expect(Object.values(row.rows[0])).toEqual(moved.values.map((v) => (v === '' ? null : v)));
      const log = await c.query(`SELECT op, count(*)::int AS n FROM "${SCHEMA}".fusion_changes GROUP BY op ORDER BY op`);
      expect(log.rows).toEqual([
        { op: 'delete', n: applied.deleted },
        { op: 'insert', n: applied.inserted },
        { op: 'update', n: applied.updated },
      ]);
      await c.query(`DROP SCHEMA "${SCHEMA}" CASCADE`);
    });
  });
});
