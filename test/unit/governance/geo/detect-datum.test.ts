import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBoundary } from '../../../../governance/geo/boundary.ts';
import { wgs84ToBd09, wgs84ToGcj02, type LngLat } from '../../../../governance/geo/datum.ts';
import { datumByBoundary, datumByPairs } from '../../../../governance/geo/detect-datum.ts';
import { mulberry32 } from '../../../../samples/generator/mulberry32.ts';

const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../samples/reference/minhang-towns.approx.geojson'), 'utf8'));
const towns = parseBoundary(file, { select: { level: 'town' } });
const rand = mulberry32(3);
const truth: LngLat[] = Array.from({ length: 400 }, () => [121.3 + rand() * 0.2, 31.02 + rand() * 0.18] as LngLat).filter(
  (p) => towns.locate(...p).status === 'inside',
);

describe('datumByPairs', () => {
  it('names the datum of observed points from a few places known in WGS-84', () => {
    const pairs = truth.slice(0, 5).map((known) => ({ known, observed: wgs84ToGcj02(...known) }));
    expect(datumByPairs(pairs, 'wgs84').datum).toBe('gcj02');
    expect(
      datumByPairs(
        truth.slice(0, 5).map((known) => ({ known, observed: wgs84ToBd09(...known) })),
        'wgs84',
      ).datum,
    ).toBe('bd09');
    expect(
      datumByPairs(
        truth.slice(0, 5).map((known) => ({ known, observed: known })),
        'wgs84',
      ).datum,
    ).toBe('wgs84');
  });
  it('is undecided when nothing fits', () => {
    expect(datumByPairs([{ known: [121.3, 31.1], observed: [121.4, 31.2] }], 'wgs84').datum).toBeNull();
    expect(datumByPairs([], 'wgs84').datum).toBeNull();
  });
});

describe('datumByBoundary', () => {
  it('with each point’s own town, tells GCJ-02 input from WGS-84 input', () => {
    const expected = truth.map((p) => towns.locate(...p).feature!.name);
    expect(
      datumByBoundary(
        truth.map((p) => wgs84ToGcj02(...p)),
        towns,
        'wgs84',
        { expected },
      ).datum,
    ).toBe('gcj02');
    expect(datumByBoundary(truth, towns, 'wgs84', { expected }).datum).toBe('wgs84');
  });
  it('is honest that points deep inside the district cannot be told apart by its outline', () => {
    const district = parseBoundary(file, { select: { level: 'district' } });
    const deep: LngLat[] = truth.filter((p) => Math.abs(p[0] - 121.38) < 0.03 && Math.abs(p[1] - 31.1) < 0.03);
    expect(deep.length).toBeGreaterThan(5);
    const guess = datumByBoundary(deep, district, 'wgs84');
    expect(guess.datum).toBeNull();
    expect(guess.why).toMatch(/too few points near an edge/);
  });
});
