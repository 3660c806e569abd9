// Reading coordinates from text: "lng,lat" in one column, or one number per column.
import type { LngLat } from './datum.ts';

/**
 * The decimal number (optional minus, digits, optional fraction; no exponent, no bare dot) that fills
 * s[from, to) apart from surrounding spaces, or NaN. Allocation-free; correctly rounded up to 15
 * significant digits, which is 1e-9 degrees and better for any coordinate.
 */
export function decimalBetween(s: string, from: number, to: number): number {
  while (from < to && s.charCodeAt(from) === 32) from++;
  while (to > from && s.charCodeAt(to - 1) === 32) to--;
  let i = from;
  const negative = s.charCodeAt(i) === 45;
  if (negative) i++;
  let mantissa = 0;
  let intDigits = 0;
  for (; i < to; i++, intDigits++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
  }
  if (intDigits === 0) return NaN;
  let scale = 1;
  if (i < to) {
    if (s.charCodeAt(i) !== 46) return NaN;
    const fracStart = ++i;
    for (; i < to; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return NaN;
      mantissa = mantissa * 10 + d;
      scale *= 10;
    }
    if (i === fracStart) return NaN;
  }
  const x = mantissa / scale;
  return negative ? -x : x;
}

/** A plain decimal coordinate, or NaN. */
export function parseCoordinate(value: string): number {
  return decimalBetween(value, 0, value.length);
}

/** "lng,lat" (ASCII or full-width comma, spaces allowed around either number) as numbers, or null. */
export function parseLngLatPair(value: string): LngLat | null {
  let comma = value.indexOf(',');
  if (comma < 0) comma = value.indexOf('，');
  if (comma < 0) return null;
  const lng = decimalBetween(value, 0, comma);
  if (Number.isNaN(lng)) return null;
  const lat = decimalBetween(value, comma + 1, value.length);
  return Number.isNaN(lat) ? null : [lng, lat];
}

/** A coordinate printed with `decimals` places (8 = about 1 mm), without trailing zeros. */
export function formatCoordinate(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
