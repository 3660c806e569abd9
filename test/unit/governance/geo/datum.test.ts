import { describe, expect, it } from 'vitest';
import {
  bd09ToGcj02,
  bd09ToWgs84,
  convertDatum,
  gcj02ToBd09,
  gcj02ToWgs84,
  insideChinaRange,
  isValidLngLat,
  metresBetween,
  wgs84ToBd09,
  wgs84ToGcj02,
} from '../../../../governance/geo/datum.ts';

describe('published conversion points', () => {
  it('WGS-84 (31.1774276, 121.5272106) is GCJ-02 (31.17530398364597, 121.531541859215) (issue #11)', () => {
    const [lng, lat] = wgs84ToGcj02(121.5272106, 31.1774276);
    expect(lng).toBeCloseTo(121.531541859215, 11);
    expect(lat).toBeCloseTo(31.17530398364597, 11);
    const [wLng, wLat] = gcj02ToWgs84(121.531541859215, 31.17530398364597);
    expect(metresBetween(wLng, wLat, 121.5272106, 31.1774276)).toBeLessThan(0.001);
  });

  // Values from the test of wandergis/coordtransform (test/app.js), the JavaScript library most others
  // (hutool's CoordinateUtil, coordtransform_rs) cite for their own tests: input (116.404, 39.915).
  it('GCJ-02 -> BD-09 and BD-09 -> GCJ-02 at (116.404, 39.915) as coordtransform publishes', () => {
    const bd = gcj02ToBd09(116.404, 39.915);
    expect(bd[0]).toBeCloseTo(116.41036949371029, 12);
    expect(bd[1]).toBeCloseTo(39.92133699351021, 12);
    // Their bd09togcj02 (116.39762729119315, 39.90865673957631) is the closed-form estimate; the iterated
    // inverse lands within a few decimetres of it, exactly where re-encoding gives the input back.
    const gcj = bd09ToGcj02(116.404, 39.915);
    expect(metresBetween(gcj[0], gcj[1], 116.39762729119315, 39.90865673957631)).toBeLessThan(0.3);
    const again = gcj02ToBd09(gcj[0], gcj[1]);
    expect(metresBetween(again[0], again[1], 116.404, 39.915)).toBeLessThan(0.001);
  });

  it('WGS-84 -> GCJ-02 at (116.404, 39.915) as coordtransform publishes; the inverse re-encodes to the input', () => {
    const g = wgs84ToGcj02(116.404, 39.915);
    expect(g[0]).toBeCloseTo(116.41024449916938, 12);
    expect(g[1]).toBeCloseTo(39.91640428150164, 12);
    // coordtransform's gcj02towgs84 is a single step (116.39775550083061, 39.91359571849836); the iteration
    // lands where re-encoding gives the input back, a little way from that one-step estimate.
    const w = gcj02ToWgs84(116.404, 39.915);
    const back = wgs84ToGcj02(w[0], w[1]);
    expect(metresBetween(back[0], back[1], 116.404, 39.915)).toBeLessThan(0.001);
    expect(metresBetween(w[0], w[1], 116.39775550083061, 39.91359571849836)).toBeLessThan(5);
  });

  it('R package documentation point: Beijing railway station GCJ-02 (39.90245, 116.42703) is BD-09 (39.90851, 116.43351) to 5 decimals', () => {
    const [lng, lat] = gcj02ToBd09(116.42703, 39.90245);
    expect(lng).toBeCloseTo(116.43351, 4);
    expect(lat).toBeCloseTo(39.90851, 4);
  });
});

describe('outside China and ranges', () => {
  it('GCJ-02 equals WGS-84 outside China; BD-09 still adds its own offset', () => {
    expect(wgs84ToGcj02(2.3522, 48.8566)).toEqual([2.3522, 48.8566]);
    expect(gcj02ToWgs84(-74.006, 40.7128)).toEqual([-74.006, 40.7128]);
    expect(wgs84ToGcj02(151.2093, -33.8688)).toEqual([151.2093, -33.8688]);
    expect(metresBetween(...wgs84ToBd09(2.3522, 48.8566), 2.3522, 48.8566)).toBeGreaterThan(100);
  });

  it('validates ranges', () => {
    expect(isValidLngLat(121.4, 31.1)).toBe(true);
    expect(isValidLngLat(181, 31.1)).toBe(false);
    expect(isValidLngLat(121, -91)).toBe(false);
    expect(isValidLngLat(Number.NaN, 31)).toBe(false);
    expect(insideChinaRange(121.4, 31.1)).toBe(true);
    expect(insideChinaRange(31.1, 121.4)).toBe(false);
    expect(insideChinaRange(2.35, 48.85)).toBe(false);
  });

  it('convertDatum composes the pairwise conversions', () => {
    const p: [number, number] = [121.38, 31.11];
    expect(convertDatum(...p, 'wgs84', 'wgs84')).toEqual(p);
    expect(convertDatum(...p, 'wgs84', 'bd09')).toEqual(wgs84ToBd09(...p));
    expect(convertDatum(...p, 'bd09', 'wgs84')).toEqual(bd09ToWgs84(...p));
    expect(convertDatum(...p, 'gcj02', 'bd09')).toEqual(gcj02ToBd09(...p));
  });
});

describe('round trips over a 0.5 degree grid of China (lng 73..135, lat 18..53)', () => {
  const grid: [number, number][] = [];
  for (let lng = 73; lng <= 135; lng += 0.5) for (let lat = 18; lat <= 53; lat += 0.5) grid.push([lng, lat]);

  it('wgs -> gcj -> wgs is within 1 mm everywhere, and the shift itself is real (over 1 m)', () => {
    let worst = 0;
    for (const [lng, lat] of grid) {
      const g = wgs84ToGcj02(lng, lat);
      expect(metresBetween(lng, lat, g[0], g[1])).toBeGreaterThan(1);
      const w = gcj02ToWgs84(g[0], g[1]);
      worst = Math.max(worst, metresBetween(lng, lat, w[0], w[1]));
    }
    expect(grid.length).toBe(125 * 71);
    expect(worst).toBeLessThan(0.001);
  });

  it('gcj -> bd -> gcj is within 1 mm everywhere; wgs -> bd -> wgs within 1 mm too', () => {
    let worstGcj = 0;
    let worstWgs = 0;
    for (const [lng, lat] of grid) {
      const b = gcj02ToBd09(lng, lat);
      const g = bd09ToGcj02(b[0], b[1]);
      worstGcj = Math.max(worstGcj, metresBetween(lng, lat, g[0], g[1]));
      const w = bd09ToWgs84(...wgs84ToBd09(lng, lat));
      worstWgs = Math.max(worstWgs, metresBetween(lng, lat, w[0], w[1]));
    }
    expect(worstGcj).toBeLessThan(0.001);
    expect(worstWgs).toBeLessThan(0.001);
  });
});
