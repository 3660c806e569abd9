import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema } from '../../schemas/job-spec.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';
import { withSourceDb } from '../support/source-db.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { metresBetween, wgs84ToGcj02 } from '../../governance/geo/datum.ts';
import { parseBoundary } from '../../governance/geo/boundary.ts';

const BOUNDARY = join(PROJECT_ROOT, 'samples', 'reference', 'minhang-towns.approx.geojson');
const towns = parseBoundary(JSON.parse(readFileSync(BOUNDARY, 'utf8')), { select: { level: 'town' } });

/** The midpoint of an edge two towns share, and those towns' names. */
function sharedEdgeMidpoint(): { point: [number, number]; names: string[] } {
  for (const a of towns.features) {
    const ring = a.parts[0]![0]!;
    for (let i = 0; i + 3 < ring.length; i += 2) {
      const m: [number, number] = [(ring[i]! + ring[i + 2]!) / 2, (ring[i + 1]! + ring[i + 3]!) / 2];
      const at = towns.locate(m[0], m[1]);
      if (at.status === 'boundary' && at.candidates.length === 2) return { point: m, names: at.candidates.map((f) => f.name) };
    }
  }
  throw new Error('no shared edge');
}

const edge = sharedEdgeMidpoint();
// Truth in WGS-84; the department's system stored GCJ-02 (as AMap gives it).
const TRUTH: Record<number, [number, number] | null> = {
  1: [121.35, 31.16], // 七宝镇
  2: [121.37, 31.11], // 莘庄镇
  3: [121.4737, 31.2304], // People's Square, Huangpu: outside Minhang
  4: edge.point,
};
const gcj = (id: number) => {
  const [lng, lat] = wgs84ToGcj02(...TRUTH[id]!);
  return `${lng.toFixed(10)},${lat.toFixed(10)}`;
};

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-cleanse-geo');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.geo_sites, public.geo_sites2');
    await client.query('CREATE TABLE public.geo_sites (id integer PRIMARY KEY, name text, location text)');
    await client.query('INSERT INTO public.geo_sites VALUES ($1,$2,$3), ($4,$5,$6), ($7,$8,$9), ($10,$11,$12), ($13,$14,$15), ($16,$17,$18), ($19,$20,$21)', [
      1,
      '七宝老街',
      gcj(1),
      2,
      '莘庄地铁站',
      gcj(2),
      3,
      '人民广场',
      gcj(3),
      4,
      '两镇交界',
      gcj(4),
      5,
      '坏坐标',
      'abc',
      6,
      '巴黎',
      '2.3522,48.8566',
      7,
      '无坐标',
      null,
    ]);
    await client.query('CREATE TABLE public.geo_sites2 (id integer PRIMARY KEY, lng double precision, lat double precision)');
    await client.query('INSERT INTO public.geo_sites2 VALUES (1, 121.35, 31.16), (2, $1, $2), (3, 121.4737, 31.2304)', edge.point);
  });
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

async function cleanse(input: Record<string, unknown>): Promise<{ result: CleanseResult; runId: string }> {
  const spec = cleanseJobSpecSchema.parse({ kind: 'cleanse', department: 'test', today: '2026-11-01', ...input });
  const { handle, runId } = await startJob(env.client, env.config, spec, `cleanse:${spec.dataset}:${Date.now()}`);
  return { result: (await handle.result()) as CleanseResult, runId };
}

describe('the geo step of a cleanse', () => {
  it('converts GCJ-02 to WGS-84, quarantines points outside the district or unreadable, assigns towns, flags edges', async () => {
    const { result, runId } = await cleanse({
      job: 'geo-sites',
      dataset: 'geo-sites',
      source: { type: 'table', connection: 'dept_source', table: 'public.geo_sites' },
      key: ['id'],
      target: { table: 'clean.geo_sites' },
      // GCJ-02 -> WGS-84 comes back within 1 mm (about 1e-8 degrees): a 1e-7 degree tolerance (about 1 cm) still sees the edge.
      boundaries: {
        minhang: { path: BOUNDARY, select: { level: 'district' }, tolerance: 1e-7 },
        minhang_towns: { path: BOUNDARY, select: { level: 'town' }, tolerance: 1e-7 },
      },
      rules: {
        geo: {
          point: 'location',
          datum: 'gcj02',
          convertTo: 'wgs84',
          inside: { boundary: 'minhang' },
          town: { boundary: 'minhang_towns', column: 'town' },
        },
      },
    });
    expect(result.stage).toMatchObject({ rows: 7, clean: 3, flagged: 1, rejected: 3 });
    const quarantined = await env.db('dataops.quarantine').where({ run_id: runId }).orderBy('source_ref').select('source_ref', 'rule_id', 'reason', 'record');
    expect(quarantined.map((q) => [q.source_ref, q.rule_id])).toEqual([
      ['id=3', 'geo.inside'],
      ['id=5', 'geo.range'],
      ['id=6', 'geo.range'],
    ]);
    expect(quarantined[0]!.record).toEqual({ id: '3', name: '人民广场', location: gcj(3) });
    expect(quarantined[2]!.reason).toMatch(/outside China/);

    const rows = await env.db('clean.geo_sites').orderBy('id').select('id', 'location', 'town', 'dataops_flags');
    expect(rows.map((r) => [r.id, r.town])).toEqual([
      [1, '七宝镇'],
      [2, '莘庄镇'],
      [4, towns.locate(...edge.point).feature!.name],
      [7, null],
    ]);
    // The edge point goes to the tie-break's town (lowest code) and is flagged.
    const chosen = towns.locate(...edge.point).feature!.name;
    expect(edge.names).toContain(chosen);
    expect(rows[2]!.town).toBe(chosen);
    expect(rows[2]!.dataops_flags).toEqual([expect.objectContaining({ rule: 'geo.boundary', column: 'town' })]);
    for (const r of rows.slice(0, 3)) {
      const [lng, lat] = (r.location as string).split(',').map(Number) as [number, number];
      expect(metresBetween(lng, lat, ...TRUTH[r.id as number]!)).toBeLessThan(0.002);
    }
    expect(rows[3]!.location).toBeNull();
  });

  it('reads two numeric columns, and can reject edge points instead of flagging them', async () => {
    const { result, runId } = await cleanse({
      job: 'geo-sites2',
      dataset: 'geo-sites2',
      source: { type: 'table', connection: 'dept_source', table: 'public.geo_sites2' },
      key: ['id'],
      target: { table: 'clean.geo_sites2' },
      boundaries: { minhang_towns: { path: BOUNDARY, select: { level: 'town' } } },
      rules: {
        geo: { point: { lng: 'lng', lat: 'lat' }, town: { boundary: 'minhang_towns', column: 'street' }, onBoundary: 'reject' },
      },
    });
    expect(result.stage).toMatchObject({ rows: 3, clean: 1, flagged: 1, rejected: 1 });
    const q = await env.db('dataops.quarantine').where({ run_id: runId }).select('source_ref', 'rule_id');
    expect(q).toEqual([{ source_ref: 'id=2', rule_id: 'geo.boundary' }]);
    const rows = await env.db('clean.geo_sites2').orderBy('id').select('id', 'lng', 'street', 'dataops_flags');
    expect(rows.map((r) => [r.id, r.street])).toEqual([
      [1, '七宝镇'],
      [3, null],
    ]);
    // Untouched coordinates keep their type; the point outside every town is flagged by geo.town.
    expect(typeof rows[0]!.lng).toBe('number');
    expect(rows[1]!.dataops_flags).toEqual([expect.objectContaining({ rule: 'geo.town', column: 'street' })]);
  });
});
