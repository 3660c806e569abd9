// The three datums Chinese coordinates arrive in, and the conversions between them.
//   WGS-84  GPS, OpenStreetMap, the district's surveyed boundaries.
//   GCJ-02  the state-mandated obfuscation ("Mars coordinates") of WGS-84 used by AMap, Tencent and Apple in China.
//   BD-09   Baidu's extra offset on top of GCJ-02.
// Both offsets apply only inside China; outside the usual service box GCJ-02 (and the GCJ-02 layer of
// BD-09) equals WGS-84.

export type Datum = 'wgs84' | 'gcj02' | 'bd09';
export const DATUMS: readonly Datum[] = ['wgs84', 'gcj02', 'bd09'];

/** [lng, lat] in degrees. */
export type LngLat = [number, number];

const A = 6378245.0; // Krasovsky 1940 semi-major axis
// Krasovsky 1940 first eccentricity squared, 0.00669342162296594323 rounded to the nearest double.
const EE = 0.006693421622965943;
const PI = Math.PI;
const BD_X_PI = (PI * 3000.0) / 180.0;
const RAD = PI / 180;
const METRES_PER_DEGREE_LAT = 110_574;
const METRES_PER_DEGREE_LNG_EQUATOR = 111_320;

/** Where the iterated inverses (GCJ-02 -> WGS-84, BD-09 -> GCJ-02) stop: the re-encoded point is this close to the input (metres, each axis). */
export const GCJ_INVERSE_TOLERANCE_M = 0.0001;
const GCJ_INVERSE_MAX_STEPS = 20;

/**
 * The box the GCJ-02 shift is applied in by every published implementation (a box, not the border: the
 * shift is also applied over parts of neighbouring countries inside it, and the official services do the same).
 */
export function outsideChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

/** A finite longitude in [-180, 180] and latitude in [-90, 90]. */
export function isValidLngLat(lng: number, lat: number): boolean {
  return Number.isFinite(lng) && Number.isFinite(lat) && lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

/** Mainland China's rough extent (lng 73..136, lat 3..54, the South China Sea included): the range check for centre data. */
export function insideChinaRange(lng: number, lat: number): boolean {
  return lng >= 73 && lng <= 136 && lat >= 3 && lat <= 54;
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
export function wgs84ToGcj02(lng: number, lat: number): LngLat {
  if (outsideChina(lng, lat)) return [lng, lat];
  const radLat = lat * RAD;
  const sinLat = Math.sin(radLat);
  const magic = 1 - EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (shiftLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
  const dLng = (shiftLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * PI);
  return [lng + dLng, lat + dLat];
}

/**
 * GCJ-02 to WGS-84. The shift has no closed-form inverse, so this iterates w <- w - (gcj(w) - g) from
 * w = g. Stopping rule: the re-encoded point gcj(w) lies within GCJ_INVERSE_TOLERANCE_M (0.1 mm) of the input
 * on both axes, at most 20 steps. The shift changes by well under 1 % per metre, so the residual bounds the
 * error in w to the same order: under 1 mm with a wide margin. Normally 3-4 steps.
 */
export function gcj02ToWgs84(lng: number, lat: number): LngLat {
  if (outsideChina(lng, lat)) return [lng, lat];
  const tolLat = GCJ_INVERSE_TOLERANCE_M / METRES_PER_DEGREE_LAT;
  const tolLng = GCJ_INVERSE_TOLERANCE_M / (METRES_PER_DEGREE_LNG_EQUATOR * Math.max(Math.cos(lat * RAD), 1e-6));
  let wLng = lng;
  let wLat = lat;
  for (let i = 0; i < GCJ_INVERSE_MAX_STEPS; i++) {
    const [gLng, gLat] = wgs84ToGcj02(wLng, wLat);
    const eLng = gLng - lng;
    const eLat = gLat - lat;
    if (Math.abs(eLng) < tolLng && Math.abs(eLat) < tolLat) break;
    wLng -= eLng;
    wLat -= eLat;
  }
  return [wLng, wLat];
}

/** GCJ-02 to BD-09 (Baidu's published closed form). */
export function gcj02ToBd09(lng: number, lat: number): LngLat {
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * BD_X_PI);
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * BD_X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/**
 * BD-09 to GCJ-02. The usual closed-form inverse (the perturbation evaluated at the BD-09 point rather
 * than the GCJ-02 one) is up to 0.2 m off; from there this iterates g <- g - (bd(g) - b) under the same
 * stopping rule as gcj02ToWgs84 (re-encoding within 0.1 mm on both axes, at most 20 steps): 1-2 steps.
 */
export function bd09ToGcj02(lng: number, lat: number): LngLat {
  const x = lng - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * BD_X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * BD_X_PI);
  let gLng = z * Math.cos(theta);
  let gLat = z * Math.sin(theta);
  const tolLat = GCJ_INVERSE_TOLERANCE_M / METRES_PER_DEGREE_LAT;
  const tolLng = GCJ_INVERSE_TOLERANCE_M / (METRES_PER_DEGREE_LNG_EQUATOR * Math.max(Math.cos(lat * RAD), 1e-6));
  for (let i = 0; i < GCJ_INVERSE_MAX_STEPS; i++) {
    const [bLng, bLat] = gcj02ToBd09(gLng, gLat);
    const eLng = bLng - lng;
    const eLat = bLat - lat;
    if (Math.abs(eLng) < tolLng && Math.abs(eLat) < tolLat) break;
    gLng -= eLng;
    gLat -= eLat;
  }
  return [gLng, gLat];
}

export function wgs84ToBd09(lng: number, lat: number): LngLat {
  const [g, t] = wgs84ToGcj02(lng, lat);
  return gcj02ToBd09(g, t);
}

export function bd09ToWgs84(lng: number, lat: number): LngLat {
  const [g, t] = bd09ToGcj02(lng, lat);
  return gcj02ToWgs84(g, t);
}

/** Converts a point between any two datums; the same datum returns the point itself. */
export function convertDatum(lng: number, lat: number, from: Datum, to: Datum): LngLat {
  if (from === to) return [lng, lat];
  if (from === 'wgs84') return to === 'gcj02' ? wgs84ToGcj02(lng, lat) : wgs84ToBd09(lng, lat);
  if (from === 'gcj02') return to === 'wgs84' ? gcj02ToWgs84(lng, lat) : gcj02ToBd09(lng, lat);
  return to === 'gcj02' ? bd09ToGcj02(lng, lat) : bd09ToWgs84(lng, lat);
}

/** Ground distance in metres (equirectangular: exact enough below a few kilometres, which is all the offsets need). */
export function metresBetween(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const x = (bLng - aLng) * RAD * Math.cos(((aLat + bLat) / 2) * RAD);
  const y = (bLat - aLat) * RAD;
  return Math.hypot(x, y) * 6_371_000;
}
