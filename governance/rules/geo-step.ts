// The geo section of a rule plan: one point per row, read from a "lng,lat" column or two columns, then
//   geo.range        readable and in range (always rejecting: nothing else can be said of the point)
//   normalise.datum  rewritten in `convertTo` (a fix), when asked
//   geo.inside       inside the `inside` boundary
//   geo.town         the containing feature's name (or `property`) written into `town.column`
//   geo.boundary     a point on an edge, or in two overlapping features: flagged (or rejected, or accepted)
//                    per `onBoundary`, the feature chosen by the boundary's tie-break (lowest code, then name)
// Checks use the point as read, moved into each boundary's own datum, not the rounded rewrite.
import type { Boundary, Location } from '../geo/boundary.ts';
import { convertDatum, type Datum } from '../geo/datum.ts';
import { formatCoordinate, parseCoordinate, parseLngLatPair } from '../geo/parse.ts';
import { GEO_BOUNDARY_REASONS, GEO_INSIDE_REASON, GEO_RANGE_REASONS, GEO_TOWN_REASON, rangeProblem, type GeoRange } from './geo-rules.ts';
import { RuleParamError } from './param-reader.ts';
import type { GeoSpec } from './spec.ts';
import type { Reason, Severity } from './types.ts';

export interface GeoFinding {
  slot: number;
  reason: Reason;
  reject: boolean;
}

/** How the compiler hands out counter slots: (rule id, column label, severity) -> slot. */
export type GeoSlotFn = (ruleId: 'geo.range' | 'normalise.datum' | 'geo.inside' | 'geo.boundary' | 'geo.town', column: string, severity: Severity) => number;

const DATUM_VALUES: readonly Datum[] = ['wgs84', 'gcj02', 'bd09'];

interface Check {
  readonly boundary: Boundary;
  readonly name: string;
  readonly slot: number;
  readonly reject: boolean;
  readonly edgeSlot: number;
}

export class GeoStep {
  /** Filled by apply: fixes made and findings for the row just evaluated. */
  readonly fixes: string[] = [];
  readonly findings: GeoFinding[] = [];

  private constructor(
    private readonly single: number,
    private readonly lngCol: number,
    private readonly latCol: number,
    private readonly datum: Datum,
    private readonly convertTo: Datum | undefined,
    private readonly decimals: number,
    private readonly range: GeoRange,
    private readonly rangeSlot: number,
    private readonly convertSlot: number,
    private readonly inside: Check | undefined,
    private readonly town: (Check & { column: number; property: string; derived: boolean }) | undefined,
    private readonly edgeReject: boolean,
  ) {}

  /**
   * Compiles the section. `columns` already holds the town column (appended when the source has none);
   * `derived` says whether it was appended. Problems are thrown as RuleParamError, one at a time.
   */
  static compile(spec: GeoSpec, columns: readonly string[], derived: ReadonlySet<string>, boundary: (name: string) => Boundary, slot: GeoSlotFn): GeoStep {
    const col = (name: string, what: string) => {
      const i = columns.indexOf(name);
      if (i < 0 || derived.has(name)) throw new RuleParamError(`${what} '${name}' is not a column`);
      return i;
    };
    const datum = spec.datum ?? 'wgs84';
    for (const d of [datum, spec.convertTo])
      if (d !== undefined && !DATUM_VALUES.includes(d)) throw new RuleParamError(`datum '${d}' is not one of ${DATUM_VALUES.join(', ')}`);
    const decimals = spec.decimals ?? 8;
    if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) throw new RuleParamError('decimals must be a whole number from 0 to 12');
    const range = spec.range ?? 'china';
    const onBoundary = spec.onBoundary ?? 'flag';
    let single = -1;
    let lngCol = -1;
    let latCol = -1;
    let label: string;
    if (typeof spec.point === 'string') {
      single = col(spec.point, 'point');
      label = spec.point;
    } else {
      lngCol = col(spec.point.lng, 'point.lng');
      latCol = col(spec.point.lat, 'point.lat');
      label = `${spec.point.lng},${spec.point.lat}`;
    }
    const edgeSeverity: Severity = onBoundary === 'reject' ? 'reject' : 'flag';
    const rangeSlot = slot('geo.range', label, 'reject');
    const convert = spec.convertTo !== undefined && spec.convertTo !== datum ? spec.convertTo : undefined;
    const convertSlot = convert ? slot('normalise.datum', label, 'fix') : -1;
    let inside: Check | undefined;
    if (spec.inside) {
      const severity = spec.inside.severity ?? 'reject';
      inside = {
        boundary: boundary(spec.inside.boundary),
        name: spec.inside.boundary,
        slot: slot('geo.inside', label, severity),
        reject: severity === 'reject',
        edgeSlot: onBoundary === 'accept' ? -1 : slot('geo.boundary', label, edgeSeverity),
      };
    }
    let town: GeoStep['town'];
    if (spec.town) {
      const t = spec.town;
      const column = columns.indexOf(t.column);
      if (column < 0) throw new RuleParamError(`town.column '${t.column}' is not a column`);
      if (column === single || column === lngCol || column === latCol) throw new RuleParamError('town.column cannot be a coordinate column');
      const severity = t.severity ?? 'flag';
      town = {
        boundary: boundary(t.boundary),
        name: t.boundary,
        slot: slot('geo.town', t.column, severity),
        reject: severity === 'reject',
        edgeSlot: onBoundary === 'accept' ? -1 : slot('geo.boundary', t.column, edgeSeverity),
        column,
        property: t.property ?? 'name',
        derived: derived.has(t.column),
      };
    }
    return new GeoStep(single, lngCol, latCol, datum, convert, decimals, range, rangeSlot, convertSlot, inside, town, onBoundary === 'reject');
  }

  /** Runs on one row's normalised values (`out`, changed in place); see `fixes` and `findings` afterwards. */
  apply(out: (string | null)[], evaluated: Float64Array, passed: Float64Array): void {
    this.fixes.length = 0;
    this.findings.length = 0;
    let lng: number;
    let lat: number;
    if (this.single >= 0) {
      const v = out[this.single];
      if (v === null || v === undefined) return;
      const p = parseLngLatPair(v);
      lng = p === null ? Number.NaN : p[0];
      lat = p === null ? Number.NaN : p[1];
    } else {
      const x = out[this.lngCol];
      const y = out[this.latCol];
      if (x === null || x === undefined || y === null || y === undefined) return;
      lng = parseCoordinate(x);
      lat = parseCoordinate(y);
    }
    evaluated[this.rangeSlot]!++;
    const problem = Number.isNaN(lng) || Number.isNaN(lat) ? GEO_RANGE_REASONS.unreadable : rangeProblem(lng, lat, this.range);
    if (problem !== null) {
      this.findings.push({ slot: this.rangeSlot, reason: problem, reject: true });
      return;
    }
    passed[this.rangeSlot]!++;

    if (this.convertTo !== undefined) {
      evaluated[this.convertSlot]!++;
      if (this.rewrite(out, lng, lat, this.convertTo)) this.fixes.push('normalise.datum');
      else passed[this.convertSlot]!++;
    }

    let located: Location | undefined;
    if (this.inside) {
      const c = this.inside;
      located = this.locate(c.boundary, lng, lat);
      evaluated[c.slot]!++;
      if (located.status === 'outside') this.findings.push({ slot: c.slot, reason: GEO_INSIDE_REASON, reject: c.reject });
      else passed[c.slot]!++;
      this.edge(c, located, evaluated, passed);
    }
    if (this.town) {
      const t = this.town;
      const at = this.inside && this.inside.boundary === t.boundary && located ? located : this.locate(t.boundary, lng, lat);
      evaluated[t.slot]!++;
      let value: string | null = null;
      if (at.status === 'outside') this.findings.push({ slot: t.slot, reason: GEO_TOWN_REASON, reject: t.reject });
      else {
        passed[t.slot]!++;
        const v = at.feature.properties[t.property];
        value = v === undefined || v === null ? null : String(v);
      }
      if (!t.derived && out[t.column] !== value) this.fixes.push('geo.town');
      out[t.column] = value;
      this.edge(t, at, evaluated, passed);
    }
  }

  private locate(boundary: Boundary, lng: number, lat: number): Location {
    const [x, y] = convertDatum(lng, lat, this.datum, boundary.datum);
    return boundary.locate(x, y);
  }

  private edge(c: Check, at: Location, evaluated: Float64Array, passed: Float64Array): void {
    if (c.edgeSlot < 0 || at.status === 'outside') return;
    evaluated[c.edgeSlot]!++;
    if (at.status === 'inside') passed[c.edgeSlot]!++;
    else
      this.findings.push({
        slot: c.edgeSlot,
        reason: at.status === 'overlap' ? GEO_BOUNDARY_REASONS.overlap : GEO_BOUNDARY_REASONS.edge,
        reject: this.edgeReject,
      });
  }

  /** Writes the point in `to`; true when that changed the text. */
  private rewrite(out: (string | null)[], lng: number, lat: number, to: Datum): boolean {
    const [x, y] = convertDatum(lng, lat, this.datum, to);
    const sx = formatCoordinate(x, this.decimals);
    const sy = formatCoordinate(y, this.decimals);
    let changed: boolean;
    if (this.single >= 0) {
      const v = `${sx},${sy}`;
      changed = out[this.single] !== v;
      out[this.single] = v;
    } else {
      changed = out[this.lngCol] !== sx || out[this.latCol] !== sy;
      out[this.lngCol] = sx;
      out[this.latCol] = sy;
    }
    return changed;
  }
}
