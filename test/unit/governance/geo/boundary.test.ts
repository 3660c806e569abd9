import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBoundary } from '../../../../governance/geo/boundary.ts';
import { multiPolygonSide, polygonSide } from '../../../../governance/geo/polygon.ts';
import { mulberry32 } from '../../../../samples/generator/mulberry32.ts';
import { approximateMinhangBoundary } from '../../../../samples/generator/minhang-boundary.ts';
import { MINHANG_STREET_NAMES } from '../../../../samples/generator/minhang.ts';

const ring = (...pts: [number, number][]) => Float64Array.from(pts.flat());
// A 10 x 10 square with a 2 x 2 hole in the middle.
const square = [ring([0, 0], [10, 0], [10, 10], [0, 10], [0, 0]), ring([4, 4], [6, 4], [6, 6], [4, 6], [4, 4])];
const near = 1e-7;

describe('polygonSide', () => {
  it('inside, outside and in the hole', () => {
    expect(polygonSide(square, 1, 1)).toBe('inside');
    expect(polygonSide(square, 11, 1)).toBe('outside');
    expect(polygonSide(square, 5, 5)).toBe('outside');
    expect(polygonSide(square, 3.9, 5)).toBe('inside');
  });

  it('on edges and vertices of the outer ring and of the hole', () => {
    for (const [x, y] of [
      [0, 5],
      [10, 3],
      [7, 0],
      [2, 10],
      [0, 0],
      [10, 10],
      [4, 5],
      [5, 6],
      [6, 6],
      [4, 4],
    ] as const) {
      expect(polygonSide(square, x, y), `${x},${y}`).toBe('boundary');
    }
  });

  it('1e-7 inside or outside an edge is not on it (tolerance 1e-9), but is within a coarser tolerance', () => {
    expect(polygonSide(square, near, 5)).toBe('inside');
    expect(polygonSide(square, -near, 5)).toBe('outside');
    expect(polygonSide(square, 10 + near, 5)).toBe('outside');
    expect(polygonSide(square, 5, 4 - near)).toBe('inside');
    expect(polygonSide(square, 5, 4 + near)).toBe('outside');
    expect(polygonSide(square, -near, -near)).toBe('outside');
    expect(polygonSide(square, -near, 5, 1e-6)).toBe('boundary');
    expect(polygonSide(square, 5e-10, 5)).toBe('boundary');
  });

  it('a ray through a vertex counts it once (diamond, point level with its side vertices)', () => {
    const diamond = [ring([0, -1], [1, 0], [0, 1], [-1, 0])];
    expect(polygonSide(diamond, 0, 0)).toBe('inside');
    expect(polygonSide(diamond, -2, 0)).toBe('outside');
    expect(polygonSide(diamond, 2, 0)).toBe('outside');
    expect(polygonSide(diamond, 0.5, 0.5)).toBe('boundary');
  });

  it('works with rings that do not repeat their first vertex, and with clockwise rings', () => {
    const open = [ring([0, 0], [0, 2], [2, 2], [2, 0])];
    expect(polygonSide(open, 1, 1)).toBe('inside');
    expect(polygonSide(open, 1, 0)).toBe('boundary');
    expect(polygonSide(open, 3, 1)).toBe('outside');
  });
});

describe('multiPolygonSide', () => {
  const parts = [[ring([0, 0], [1, 0], [1, 1], [0, 1])], [ring([5, 5], [6, 5], [6, 6], [5, 6])]];
  it('inside either part, outside both, on either part’s edge', () => {
    expect(multiPolygonSide(parts, 0.5, 0.5)).toBe('inside');
    expect(multiPolygonSide(parts, 5.5, 5.5)).toBe('inside');
    expect(multiPolygonSide(parts, 3, 3)).toBe('outside');
    expect(multiPolygonSide(parts, 6, 5.5)).toBe('boundary');
  });
});

function collection(features: { name: string; code: string; geometry: object }[]): object {
  return {
    type: 'FeatureCollection',
    features: features.map((f) => ({ type: 'Feature', properties: { name: f.name, code: f.code }, geometry: f.geometry })),
  };
}

describe('Boundary.locate', () => {
  // Two squares sharing the edge x = 1, a donut whose hole holds a third polygon, and a two-part feature.
  const b = parseBoundary(
    collection([
      {
        name: '西',
        code: 'B',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
              [0, 0],
            ],
          ],
        },
      },
      {
        name: '东',
        code: 'A',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [1, 0],
              [2, 0],
              [2, 1],
              [1, 1],
              [1, 0],
            ],
          ],
        },
      },
      {
        name: '环',
        code: 'C',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [10, 10],
              [14, 10],
              [14, 14],
              [10, 14],
              [10, 10],
            ],
            [
              [11, 11],
              [13, 11],
              [13, 13],
              [11, 13],
              [11, 11],
            ],
          ],
        },
      },
      {
        name: '岛',
        code: 'D',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [11.5, 11.5],
              [12.5, 11.5],
              [12.5, 12.5],
              [11.5, 12.5],
              [11.5, 11.5],
            ],
          ],
        },
      },
      {
        name: '双',
        code: 'E',
        geometry: {
          type: 'MultiPolygon',
          coordinates: [
            [
              [
                [20, 0],
                [21, 0],
                [21, 1],
                [20, 1],
                [20, 0],
              ],
            ],
            [
              [
                [22, 0],
                [23, 0],
                [23, 1],
                [22, 1],
                [22, 0],
              ],
            ],
          ],
        },
      },
    ]),
    { gridSize: 8 },
  );

  it('inside one feature names it', () => {
    const at = b.locate(0.5, 0.5);
    expect(at.status).toBe('inside');
    expect(at.feature?.name).toBe('西');
    expect(b.locate(1 + near, 0.5).feature?.name).toBe('东');
    expect(b.locate(1 - near, 0.5).feature?.name).toBe('西');
  });

  it('on the shared edge: boundary, both candidates, the lowest code wins', () => {
    const at = b.locate(1, 0.5);
    expect(at.status).toBe('boundary');
    expect(at.candidates.map((f) => f.name)).toEqual(['东', '西']);
    expect(at.feature?.code).toBe('A');
    // A shared vertex too.
    expect(b.locate(1, 1).status).toBe('boundary');
    expect(b.locate(1, 1).candidates).toHaveLength(2);
  });

  it('on an outer edge: boundary with the one feature', () => {
    const at = b.locate(0, 0.5);
    expect(at.status).toBe('boundary');
    expect(at.candidates.map((f) => f.name)).toEqual(['西']);
    expect(b.locate(-near, 0.5).status).toBe('outside');
  });

  it('holes: in the hole is outside the donut, in the island inside the island, the hole edge a boundary', () => {
    expect(b.locate(11.2, 12).status).toBe('outside');
    expect(b.locate(10.5, 12).feature?.name).toBe('环');
    expect(b.locate(12, 12).feature?.name).toBe('岛');
    expect(b.locate(11, 12).status).toBe('boundary');
    expect(b.locate(11, 12).candidates.map((f) => f.name)).toEqual(['环']);
    expect(b.locate(11.5, 12).candidates.map((f) => f.name)).toEqual(['岛']);
  });

  it('multipolygons: either part, not the gap', () => {
    expect(b.locate(20.5, 0.5).feature?.name).toBe('双');
    expect(b.locate(22.5, 0.5).feature?.name).toBe('双');
    expect(b.locate(21.5, 0.5).status).toBe('outside');
  });

  it('overlapping features are reported as an overlap with the tie-break', () => {
    const o = parseBoundary(
      collection([
        {
          name: '乙',
          code: '2',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [2, 0],
                [2, 2],
                [0, 2],
                [0, 0],
              ],
            ],
          },
        },
        {
          name: '甲',
          code: '1',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [1, 1],
                [3, 1],
                [3, 3],
                [1, 3],
                [1, 1],
              ],
            ],
          },
        },
      ]),
    );
    const at = o.locate(1.5, 1.5);
    expect(at.status).toBe('overlap');
    expect(at.feature?.name).toBe('甲');
  });

  it('without codes the name decides, and equal names fall back to file order', () => {
    const sq = (x: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, 0],
          [x + 1, 0],
          [x + 1, 1],
          [x, 1],
          [x, 0],
        ],
      ],
    });
    // Code-unit order: 乙 (U+4E59) before 甲 (U+7532), whichever comes first in the file.
    const o = parseBoundary(
      collection([
        { name: '甲', code: '', geometry: sq(0) },
        { name: '乙', code: '', geometry: sq(1) },
      ]),
    );
    expect(o.locate(1, 0.5).feature?.name).toBe('乙');
    const same = parseBoundary(
      collection([
        { name: '丙', code: '', geometry: sq(1) },
        { name: '丙', code: '', geometry: sq(0) },
      ]),
    );
    expect(same.locate(1, 0.5).feature?.index).toBe(0);
  });

  it('the grid answers as a brute-force scan does, for random points', () => {
    const brute = parseBoundary(
      collection(
        b.features.map((f) => ({ name: f.name, code: f.code, geometry: { type: 'MultiPolygon', coordinates: f.parts.map((p) => p.map((r) => pairs(r))) } })),
      ),
      { gridSize: 1 },
    );
    const rand = mulberry32(11);
    for (let i = 0; i < 5000; i++) {
      const x = -1 + rand() * 26;
      const y = -1 + rand() * 16;
      const a = b.locate(x, y);
      const c = brute.locate(x, y);
      expect([a.status, a.feature?.name]).toEqual([c.status, c.feature?.name]);
    }
  });

  it('refuses what is not polygons', () => {
    expect(() => parseBoundary({ type: 'FeatureCollection', features: [] })).toThrow(/at least one feature/);
    expect(() => parseBoundary(collection([{ name: 'x', code: '', geometry: { type: 'Point', coordinates: [1, 2] } }]))).toThrow(/not Polygon/);
    expect(() =>
      parseBoundary(
        collection([
          {
            name: 'x',
            code: '',
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [1, 2],
                  [3, 'a'],
                  [1, 1],
                ],
              ],
            },
          },
        ]),
      ),
    ).toThrow(/\[lng, lat\]/);
  });
});

function pairs(r: Float64Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < r.length; i += 2) out.push([r[i]!, r[i + 1]!]);
  return out;
}

describe('the approximate sample boundary of Minhang', () => {
  const file = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../samples/reference/minhang-towns.approx.geojson'), 'utf8'));

  it('is what the generator writes, and says it is approximate', () => {
    expect(file).toEqual(JSON.parse(JSON.stringify(approximateMinhangBoundary())));
    expect(file.properties.approximate).toBe(true);
    expect(file.features.every((f: { properties: { approximate: boolean } }) => f.properties.approximate)).toBe(true);
  });

  it('partitions the district: every point inside the outline is in exactly one town or on a town edge', () => {
    const district = parseBoundary(file, { select: { level: 'district' } });
    const towns = parseBoundary(file, { select: { level: 'town' } });
    expect(towns.features.map((f) => f.name).sort()).toEqual([...MINHANG_STREET_NAMES].sort());
    const rand = mulberry32(7);
    let inside = 0;
    for (let i = 0; i < 20000; i++) {
      const x = 121.25 + rand() * 0.32;
      const y = 30.97 + rand() * 0.29;
      const d = district.locate(x, y).status;
      const t = towns.locate(x, y);
      if (d === 'inside') {
        inside++;
        expect(['inside', 'boundary']).toContain(t.status);
      } else if (d === 'outside') expect(t.status).toBe('outside');
    }
    expect(inside).toBeGreaterThan(5000);
  });

  it('puts each rough town centre in its own town', () => {
    const towns = parseBoundary(file, { select: { level: 'town' } });
    expect(towns.locate(121.35, 31.16).feature?.name).toBe('七宝镇');
    expect(towns.locate(121.37, 31.11).feature?.name).toBe('莘庄镇');
    expect(towns.locate(121.52, 31.03).feature?.name).toBe('浦江镇');
  });
});
