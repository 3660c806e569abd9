// A boundary file (GeoJSON FeatureCollection of Polygon / MultiPolygon features) indexed for point lookups.
//
// Lookup: a uniform grid over the collection's extent; each cell lists the features whose bounding box
// (widened by the tolerance) touches it, so a point is tested exactly only against the few features of its cell.
//
// Boundary semantics: a point within `tolerance` degrees of any candidate feature's edge (outer ring or
// hole) is `boundary`; its candidates are every feature it is inside or on the edge of, and `feature` is
// the first of them by the tie-break: lowest `code`, then lowest `name` (code-unit order), then file order.
// A point strictly inside two features (overlapping polygons: bad boundary data) is `overlap`, with the
// same candidates and tie-break. Everything else is `inside` exactly one feature or `outside`.
import { DATUMS, type Datum } from './datum.ts';
import { DEFAULT_TOLERANCE, multiPolygonSide, type PolygonRings } from './polygon.ts';

export interface BoundaryFeature {
  /** Position among the selected features, in file order. */
  readonly index: number;
  readonly name: string;
  readonly code: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly parts: readonly PolygonRings[];
  /** [minLng, minLat, maxLng, maxLat] */
  readonly bbox: readonly [number, number, number, number];
}

export type Location =
  | { readonly status: 'inside'; readonly feature: BoundaryFeature; readonly candidates: readonly BoundaryFeature[] }
  | { readonly status: 'boundary' | 'overlap'; readonly feature: BoundaryFeature; readonly candidates: readonly BoundaryFeature[] }
  | { readonly status: 'outside'; readonly feature: null; readonly candidates: readonly BoundaryFeature[] };

export interface BoundaryOptions {
  /** Feature property holding the name (default `name`). */
  readonly nameProperty?: string;
  /** Feature property holding the code used first by the tie-break (default `code`). */
  readonly codeProperty?: string;
  /** Degrees; default 1e-9 (about 0.1 mm). */
  readonly tolerance?: number;
  /** Grid cells along the longer side of the extent (default 64). */
  readonly gridSize?: number;
  /** The datum the file is drawn in; default its collection property `datum`, else wgs84. */
  readonly datum?: Datum;
  /** Keep only features whose properties have these values (e.g. `{ level: 'town' }`). */
  readonly select?: Readonly<Record<string, string>>;
}

export class BoundaryError extends Error {
  override readonly name = 'BoundaryError';
}

const OUTSIDE: Location = Object.freeze({ status: 'outside', feature: null, candidates: Object.freeze([]) as readonly BoundaryFeature[] });

function ringOf(coords: unknown, where: string): Float64Array {
  if (!Array.isArray(coords) || coords.length < 3) throw new BoundaryError(`${where}: a ring needs at least 3 positions`);
  const ring = new Float64Array(coords.length * 2);
  coords.forEach((p, i) => {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      throw new BoundaryError(`${where}[${i}]: a position is [lng, lat]`);
    }
    ring[i * 2] = p[0];
    ring[i * 2 + 1] = p[1];
  });
  return ring;
}

function partsOf(geometry: unknown, where: string): PolygonRings[] {
  const g = geometry as { type?: unknown; coordinates?: unknown } | null;
  if (g === null || typeof g !== 'object') throw new BoundaryError(`${where}: geometry missing`);
  const polygon = (c: unknown, w: string): PolygonRings => {
    if (!Array.isArray(c) || c.length === 0) throw new BoundaryError(`${w}: a polygon is a list of rings`);
    return c.map((r, i) => ringOf(r, `${w}[${i}]`));
  };
  if (g.type === 'Polygon') return [polygon(g.coordinates, `${where}.coordinates`)];
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates)) throw new BoundaryError(`${where}.coordinates: a multipolygon is a list of polygons`);
    return g.coordinates.map((p, i) => polygon(p, `${where}.coordinates[${i}]`));
  }
  throw new BoundaryError(`${where}: geometry type ${String(g.type)} is not Polygon or MultiPolygon`);
}

function bboxOf(parts: readonly PolygonRings[]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const part of parts) {
    const outer = part[0]!;
    for (let i = 0; i < outer.length; i += 2) {
      const x = outer[i]!;
      const y = outer[i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** The tie-break order: code, then name, then position in the file. */
export function compareFeatures(a: BoundaryFeature, b: BoundaryFeature): number {
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.index - b.index;
}

export class Boundary {
  readonly features: readonly BoundaryFeature[];
  readonly tolerance: number;
  readonly datum: Datum;
  /** Free-form properties of the collection (`approximate: true`, `datum`, `source`, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: readonly (readonly number[])[];

  constructor(features: readonly BoundaryFeature[], properties: Readonly<Record<string, unknown>>, tolerance: number, gridSize: number, datum: Datum) {
    if (!(tolerance >= 0)) throw new BoundaryError('tolerance must be zero or more degrees');
    this.features = features;
    this.datum = datum;
    this.tolerance = tolerance;
    this.properties = properties;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const f of features) {
      minX = Math.min(minX, f.bbox[0] - tolerance);
      minY = Math.min(minY, f.bbox[1] - tolerance);
      maxX = Math.max(maxX, f.bbox[2] + tolerance);
      maxY = Math.max(maxY, f.bbox[3] + tolerance);
    }
    const span = Math.max(maxX - minX, maxY - minY, 1e-12);
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.cell = span / gridSize;
    this.cols = Math.max(1, Math.ceil((maxX - minX) / this.cell));
    this.rows = Math.max(1, Math.ceil((maxY - minY) / this.cell));
    const cells: number[][] = Array.from({ length: this.cols * this.rows }, () => []);
    for (const f of features) {
      const c0 = this.col(f.bbox[0] - tolerance);
      const c1 = this.col(f.bbox[2] + tolerance);
      const r0 = this.row(f.bbox[1] - tolerance);
      const r1 = this.row(f.bbox[3] + tolerance);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) cells[r * this.cols + c]!.push(f.index);
    }
    this.cells = cells;
  }

  private col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cell)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cell)));
  }

  /** Where (lng, lat) lies among the features; see the file comment for boundary and overlap. */
  locate(lng: number, lat: number): Location {
    const tol = this.tolerance;
    if (!(lng >= this.minX && lng <= this.maxX && lat >= this.minY && lat <= this.maxY)) return OUTSIDE;
    const cx = this.col(lng);
    const cy = this.row(lat);
    let inside: BoundaryFeature[] | null = null;
    let onEdge: BoundaryFeature[] | null = null;
    for (const i of this.cells[cy * this.cols + cx]!) {
      const f = this.features[i]!;
      const b = f.bbox;
      if (lng < b[0] - tol || lng > b[2] + tol || lat < b[1] - tol || lat > b[3] + tol) continue;
      const side = multiPolygonSide(f.parts, lng, lat, tol);
      if (side === 'inside') {
        if (inside === null) inside = [];
        inside.push(f);
      } else if (side === 'boundary') {
        if (onEdge === null) onEdge = [];
        onEdge.push(f);
      }
    }
    if (onEdge === null && inside === null) return OUTSIDE;
    if (onEdge === null && inside!.length === 1) return { status: 'inside', feature: inside![0]!, candidates: inside! };
    const candidates = [...(inside ?? []), ...(onEdge ?? [])].sort(compareFeatures);
    return { status: onEdge !== null ? 'boundary' : 'overlap', feature: candidates[0]!, candidates };
  }

  /** Cell count and the most features any cell lists: how well the grid splits the features. */
  gridStats(): { cells: number; maxPerCell: number } {
    return { cells: this.cells.length, maxPerCell: Math.max(0, ...this.cells.map((c) => c.length)) };
  }
}

/** Parses a GeoJSON FeatureCollection (or a single Feature) of Polygon / MultiPolygon features. */
export function parseBoundary(geojson: unknown, options: BoundaryOptions = {}): Boundary {
  const nameKey = options.nameProperty ?? 'name';
  const codeKey = options.codeProperty ?? 'code';
  const doc = geojson as { type?: unknown; features?: unknown; properties?: unknown } | null;
  if (doc === null || typeof doc !== 'object') throw new BoundaryError('a boundary is a GeoJSON FeatureCollection');
  const list = doc.type === 'FeatureCollection' ? doc.features : doc.type === 'Feature' ? [doc] : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new BoundaryError('a boundary is a GeoJSON FeatureCollection with at least one feature');
  const select = Object.entries(options.select ?? {});
  const features: BoundaryFeature[] = [];
  list.forEach((raw, position) => {
    const f = raw as { type?: unknown; geometry?: unknown; properties?: Record<string, unknown> | null };
    const where = `features[${position}]`;
    if (f?.type !== 'Feature') throw new BoundaryError(`${where}: not a Feature`);
    const properties = f.properties ?? {};
    if (select.some(([k, v]) => String(properties[k]) !== v)) return;
    const name = properties[nameKey];
    const code = properties[codeKey];
    const parts = partsOf(f.geometry, `${where}.geometry`);
    features.push({
      index: features.length,
      name: name === undefined || name === null ? '' : String(name),
      code: code === undefined || code === null ? '' : String(code),
      properties,
      parts,
      bbox: bboxOf(parts),
    });
  });
  if (features.length === 0) throw new BoundaryError(`no feature has ${select.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const properties =
    doc.type === 'FeatureCollection' && doc.properties && typeof doc.properties === 'object' ? (doc.properties as Record<string, unknown>) : {};
  const declared = properties.datum;
  if (declared !== undefined && !DATUMS.includes(declared as Datum))
    throw new BoundaryError(`properties.datum ${String(declared)} is not one of ${DATUMS.join(', ')}`);
  const datum = options.datum ?? (declared as Datum | undefined) ?? 'wgs84';
  return new Boundary(features, properties, options.tolerance ?? DEFAULT_TOLERANCE, options.gridSize ?? 64, datum);
}
