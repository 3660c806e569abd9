// Longitude/latitude pairs as a semantic type. The datum conversions live in governance/geo/datum.ts.
import { insideChinaRange } from '../geo/datum.ts';
import { parseLngLatPair } from '../geo/parse.ts';

/** Matches "lng,lat" (optional spaces around either number) with lng in 73..136 and lat in 3..54. */
export function isCoordinatePair(value: string): boolean {
  const p = parseLngLatPair(value);
  return p !== null && insideChinaRange(p[0], p[1]);
}
