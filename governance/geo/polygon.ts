// Point against polygon with holes, telling "on the boundary" apart from inside and outside.
//
// A ring is a flat Float64Array [x0, y0, x1, y1, ...] (lng, lat); the closing vertex may be repeated or not.
// A point whose distance to any edge is at most `tolerance` (degrees) is on the boundary; otherwise the
// even-odd crossing rule decides. Holes are rings like any other: inside the outer ring and inside a hole
// is outside, on a hole's edge is on the boundary.

export type Ring = Float64Array;
/** Outer ring first, then holes (GeoJSON order). */
export type PolygonRings = readonly Ring[];

export type Side = 'inside' | 'boundary' | 'outside';

/** Default boundary tolerance: 1e-9 degrees, about 0.1 mm. */
export const DEFAULT_TOLERANCE = 1e-9;

function onSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number, tol: number): boolean {
  // The edge's box widened by tol first: most edges are rejected by four comparisons.
  if (px < Math.min(ax, bx) - tol || px > Math.max(ax, bx) + tol) return false;
  if (py < Math.min(ay, by) - tol || py > Math.max(ay, by) + tol) return false;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey <= tol * tol;
}

/** 1 inside, 0 on the boundary (within tol), -1 outside the ring. */
export function ringSide(ring: Ring, px: number, py: number, tol: number): 1 | 0 | -1 {
  let n = ring.length;
  if (n >= 4 && ring[0] === ring[n - 2] && ring[1] === ring[n - 1]) n -= 2;
  let inside = false;
  let ax = ring[n - 2]!;
  let ay = ring[n - 1]!;
  for (let i = 0; i < n; i += 2) {
    const bx = ring[i]!;
    const by = ring[i + 1]!;
    if (onSegment(px, py, ax, ay, bx, by, tol)) return 0;
    // Half-open in y, so a ray through a vertex counts it once.
    if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
    ax = bx;
    ay = by;
  }
  return inside ? 1 : -1;
}

/** Where the point lies against one polygon (outer ring and holes). */
export function polygonSide(rings: PolygonRings, px: number, py: number, tol: number = DEFAULT_TOLERANCE): Side {
  const outer = ringSide(rings[0]!, px, py, tol);
  if (outer < 0) return 'outside';
  if (outer === 0) return 'boundary';
  for (let h = 1; h < rings.length; h++) {
    const s = ringSide(rings[h]!, px, py, tol);
    if (s === 0) return 'boundary';
    if (s > 0) return 'outside';
  }
  return 'inside';
}

/**
 * Against a multipolygon: inside when strictly inside any part, else on the boundary when on any part's
 * edge. A point on an edge two parts share is reported on the boundary (parts are judged one by one).
 */
export function multiPolygonSide(parts: readonly PolygonRings[], px: number, py: number, tol: number = DEFAULT_TOLERANCE): Side {
  let boundary = false;
  for (const part of parts) {
    const s = polygonSide(part, px, py, tol);
    if (s === 'inside') return 'inside';
    if (s === 'boundary') boundary = true;
  }
  return boundary ? 'boundary' : 'outside';
}
