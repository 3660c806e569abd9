// Longitude/latitude pairs and the WGS-84 <-> GCJ-02 ("Mars coordinates") datum shift used in China.

const A = 6378245.0; // Krasovsky 1940 semi-major axis
// Krasovsky 1940 first eccentricity squared, 0.00669342162296594323 rounded to the nearest double.
const EE = 0.006693421622965943;
const PI = Math.PI;
const METRES_PER_DEGREE = 111_320;

/** Matches "lng,lat" (optional spaces around either number) with lng in 73..136 and lat in 3..54. */
export function isCoordinatePair(value: string): boolean {
  const comma = value.indexOf(',');
  if (comma < 0) return false;
  const lng = decimalBetween(value, 0, comma);
  if (!(lng >= 73 && lng <= 136)) return false;
  const lat = decimalBetween(value, comma + 1, value.length);
  return lat >= 3 && lat <= 54;
}

/**
 * The decimal number (optional minus, digits, optional fraction; no exponent, no bare dot) that
 * fills s[from, to) apart from surrounding spaces, or NaN. Allocation-free; exact enough for range
 * checks (correctly rounded up to 15 significant digits).
 */
function decimalBetween(s: string, from: number, to: number): number {
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

// The usual GCJ-02 service box. Wider than isCoordinatePair's range on purpose: it is the box other
// GCJ-02 implementations use, so conversions agree with theirs near the border.
function outsideChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function shiftLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
  r += ((20 * Math.sin(y * PI) + 40 * Math.sin((y / 3) * PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * PI) + 320 * Math.sin((y * PI) / 30)) * 2) / 3;
  return r;
}

function shiftLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * PI) + 20 * Math.sin(2 * x * PI)) * 2) / 3;
  r += ((20 * Math.sin(x * PI) + 40 * Math.sin((x / 3) * PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * PI) + 300 * Math.sin((x / 30) * PI)) * 2) / 3;
  return r;
}

/** WGS-84 to GCJ-02. Points outside China are returned unchanged. */
export function wgs84ToGcj02(lng: number, lat: number): [number, number] {
  if (outsideChina(lng, lat)) return [lng, lat];
  const radLat = (lat / 180) * PI;
  const sinLat = Math.sin(radLat);
  const magic = 1 - EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (shiftLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
  const dLng = (shiftLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * PI);
  return [lng + dLng, lat + dLat];
}

/**
 * GCJ-02 to WGS-84. The shift has no closed-form inverse, so this iterates (fixed point on the forward
 * shift) until re-encoding lands within 0.5 m of the input, normally in 2-3 steps.
 */
export function gcj02ToWgs84(lng: number, lat: number): [number, number] {
  if (outsideChina(lng, lat)) return [lng, lat];
  // Aim well below 0.5 m so the documented bound holds with margin.
  const tolerance = 0.05 / METRES_PER_DEGREE;
  let wLng = lng;
  let wLat = lat;
  for (let i = 0; i < 30; i++) {
    const [gLng, gLat] = wgs84ToGcj02(wLng, wLat);
    const eLng = gLng - lng;
    const eLat = gLat - lat;
    wLng -= eLng;
    wLat -= eLat;
    if (Math.abs(eLng) < tolerance && Math.abs(eLat) < tolerance) break;
  }
  return [wLng, wLat];
}
