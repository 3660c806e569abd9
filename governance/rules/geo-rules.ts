// The spatial rules: reasons, and the column-level forms that work on a "lng,lat" value.
import type { Boundary } from '../geo/boundary.ts';
import { convertDatum, insideChinaRange, isValidLngLat, type Datum } from '../geo/datum.ts';
import { formatCoordinate, parseLngLatPair } from '../geo/parse.ts';
import type { NormaliseFn, Reason, ValidateFn } from './types.ts';

export const GEO_RANGE_REASONS = {
  unreadable: { zh: '坐标无法解析（应为"经度,纬度"十进制数）', en: 'coordinates are not two decimal numbers (lng,lat)' },
  world: { zh: '经纬度超出有效范围', en: 'longitude or latitude out of range' },
  china: { zh: '坐标不在中国境内范围（经度73-136，纬度3-54）', en: 'point outside China (lng 73-136, lat 3-54)' },
} as const satisfies Record<string, Reason>;

export const GEO_INSIDE_REASON: Reason = { zh: '坐标不在辖区边界内', en: 'point outside the boundary' };

export const GEO_BOUNDARY_REASONS = {
  edge: { zh: '坐标位于边界线上，归属按规则确定', en: 'point on a boundary edge: assigned by the tie-break' },
  overlap: { zh: '坐标位于相互重叠的多个区域内，归属按规则确定', en: 'point inside overlapping features: assigned by the tie-break' },
} as const satisfies Record<string, Reason>;

export const GEO_TOWN_REASON: Reason = { zh: '坐标不属于任何街镇', en: 'no street or town contains the point' };

export type GeoRange = 'china' | 'world';

/** The reason a point fails the range check, or null. */
export function rangeProblem(lng: number, lat: number, range: GeoRange): Reason | null {
  if (!isValidLngLat(lng, lat)) return GEO_RANGE_REASONS.world;
  if (range === 'china' && !insideChinaRange(lng, lat)) return GEO_RANGE_REASONS.china;
  return null;
}

export function geoRangeValidator(range: GeoRange): ValidateFn {
  return (value) => {
    const p = parseLngLatPair(value);
    return p === null ? GEO_RANGE_REASONS.unreadable : rangeProblem(p[0], p[1], range);
  };
}

/** Rewrites a "lng,lat" value in another datum; an unreadable or out-of-range value is left for geo.range. */
export function datumNormaliser(from: Datum, to: Datum, decimals: number): NormaliseFn {
  return (value) => {
    if (value === null) return null;
    const p = parseLngLatPair(value);
    if (p === null || !isValidLngLat(p[0], p[1])) return value;
    const [lng, lat] = convertDatum(p[0], p[1], from, to);
    const out = `${formatCoordinate(lng, decimals)},${formatCoordinate(lat, decimals)}`;
    return out === value ? value : out;
  };
}

/** Column form: a point on an edge counts as inside (the geo section is what reports edges). */
export function geoInsideValidator(boundary: Boundary, datum: Datum): ValidateFn {
  return (value) => {
    const p = parseLngLatPair(value);
    if (p === null || !isValidLngLat(p[0], p[1])) return GEO_RANGE_REASONS.unreadable;
    const [lng, lat] = convertDatum(p[0], p[1], datum, boundary.datum);
    return boundary.locate(lng, lat).status === 'outside' ? GEO_INSIDE_REASON : null;
  };
}
