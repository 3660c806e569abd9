// npx tsx samples/generator/minhang-boundary.ts > samples/reference/minhang-towns.approx.geojson
//
// An APPROXIMATE sample boundary of Minhang district and its streets and towns, for tests and demos
// only. The real boundaries are not available offline: the outline is a convex polygon around the
// district's rough extent, and each street or town is the part of it nearer to a rough centre of that
// town than to any other (a Voronoi partition). Edges, areas and even which town a given address falls in
// near an edge are NOT the official ones; configure the district's surveyed boundary file for real use.
import { MINHANG_STREETS } from './minhang.ts';

type Pt = [number, number];

/** Rough corners of the district (WGS-84), lng 121.26-121.56, lat 30.98-31.25. */
const OUTLINE_POINTS: Pt[] = [
  [121.27, 31.24],
  [121.33, 31.25],
  [121.41, 31.21],
  [121.45, 31.15],
  [121.53, 31.1],
  [121.56, 31.04],
  [121.53, 30.98],
  [121.42, 30.98],
  [121.32, 30.99],
  [121.26, 31.08],
];

/** Rough centre of each street or town (WGS-84), by name as in MINHANG_STREETS. */
const CENTRES: Readonly<Record<string, Pt>> = {
  江川路街道: [121.4, 31.01],
  古美路街道: [121.4, 31.15],
  新虹街道: [121.32, 31.2],
  浦锦街道: [121.5, 31.08],
  莘庄镇: [121.37, 31.11],
  七宝镇: [121.35, 31.16],
  颛桥镇: [121.4, 31.06],
  华漕镇: [121.29, 31.22],
  虹桥镇: [121.39, 31.19],
  梅陇镇: [121.43, 31.12],
  吴泾镇: [121.46, 31.05],
  马桥镇: [121.34, 31.03],
  浦江镇: [121.52, 31.03],
};

const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Counter-clockwise convex hull (monotone chain). */
function hull(points: Pt[]): Pt[] {
  const p = points.slice().sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const lower: Pt[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Pt[] = [];
  for (const q of p.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** The part of convex `poly` nearer to `a` than to `b` (Sutherland-Hodgman against the bisector). */
function nearerTo(poly: Pt[], a: Pt, b: Pt): Pt[] {
  const nx = b[0] - a[0];
  const ny = b[1] - a[1];
  const c = (nx * (a[0] + b[0])) / 2 + (ny * (a[1] + b[1])) / 2;
  const side = (p: Pt) => p[0] * nx + p[1] * ny - c; // <= 0: nearer to a
  const out: Pt[] = [];
  for (let i = 0; i < poly.length; i++) {
    const p = poly[i]!;
    const q = poly[(i + 1) % poly.length]!;
    const sp = side(p);
    const sq = side(q);
    if (sp <= 0) out.push(p);
    if (sp < 0 !== sq < 0 && sp !== 0 && sq !== 0) {
      const t = sp / (sp - sq);
      out.push([p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])]);
    }
  }
  return out;
}

const closed = (ring: Pt[]): Pt[] => [...ring, ring[0]!];

export function approximateMinhangBoundary(): object {
  const outline = hull(OUTLINE_POINTS);
  const towns = MINHANG_STREETS.map((street, i) => {
    const centre = CENTRES[street.name];
    if (!centre) throw new Error(`no rough centre for ${street.name}`);
    let cell = outline;
    for (const other of MINHANG_STREETS) if (other !== street) cell = nearerTo(cell, centre, CENTRES[other.name]!);
    return {
      type: 'Feature',
      properties: { name: street.name, code: `310112-${String(i + 1).padStart(2, '0')}`, level: 'town', approximate: true },
      geometry: { type: 'Polygon', coordinates: [closed(cell)] },
    };
  });
  return {
    type: 'FeatureCollection',
    properties: {
      approximate: true,
      datum: 'wgs84',
      note: 'APPROXIMATE sample boundary for tests and demos: a convex outline around Minhang and a Voronoi split around rough town centres. Not the official boundary; configure the real file for production. Codes are sample ordinals, not official division codes.',
    },
    features: [
      {
        type: 'Feature',
        properties: { name: '闵行区', code: '310112', level: 'district', approximate: true },
        geometry: { type: 'Polygon', coordinates: [closed(outline)] },
      },
      ...towns,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${JSON.stringify(approximateMinhangBoundary(), null, 1)}\n`);
