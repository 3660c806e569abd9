import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';
import { gcj02ToWgs84, isCoordinatePair, wgs84ToGcj02 } from '../../../governance/semantic/coordinates.ts';

// Equirectangular distance, plenty for sub-kilometre offsets.
function metres(aLng: number, aLat: number, bLng: number, bLat: number): number {
  const rad = Math.PI / 180;
  const x = (bLng - aLng) * rad * Math.cos(((aLat + bLat) / 2) * rad);
  const y = (bLat - aLat) * rad;
  return Math.hypot(x, y) * 6_371_000;
}

describe('isCoordinatePair', () => {
  it('accepts lng,lat inside China', () => {
    expect(isCoordinatePair('121.4737,31.2304')).toBe(true);
    expect(isCoordinatePair('121.381, 31.112')).toBe(true);
    expect(isCoordinatePair('87.6,43.8')).toBe(true);
  });
  it('rejects swapped order, out-of-range values and junk', () => {
    expect(isCoordinatePair('31.2304,121.4737')).toBe(false);
    expect(isCoordinatePair('2.35,48.85')).toBe(false);
    expect(isCoordinatePair('121.4737')).toBe(false);
    expect(isCoordinatePair('121.4737,31.2304,5')).toBe(false);
    expect(isCoordinatePair('121.4737,abc')).toBe(false);
    expect(isCoordinatePair('1.2e2,31')).toBe(false);
    expect(isCoordinatePair(',')).toBe(false);
  });
});

describe('WGS-84 <-> GCJ-02', () => {
  it('shifts a Shanghai point by a few hundred metres, east and south', () => {
    const [lng, lat] = wgs84ToGcj02(121.4737, 31.2304);
    expect(lng).toBeCloseTo(121.47822, 4);
    expect(lat).toBeCloseTo(31.22846, 4);
    const d = metres(121.4737, 31.2304, lng, lat);
    expect(d).toBeGreaterThan(300);
    expect(d).toBeLessThan(700);
  });

  it('returns points outside China unchanged', () => {
    expect(wgs84ToGcj02(2.3522, 48.8566)).toEqual([2.3522, 48.8566]);
    expect(gcj02ToWgs84(-74.006, 40.7128)).toEqual([-74.006, 40.7128]);
    expect(wgs84ToGcj02(151.2093, -33.8688)).toEqual([151.2093, -33.8688]);
  });

  it('inverts to within 0.5 m across China', () => {
    const rand = mulberry32(2024);
    let worst = 0;
    for (let i = 0; i < 2000; i++) {
      const lng = 74 + rand() * 60;
      const lat = 4 + rand() * 49;
      const [gLng, gLat] = wgs84ToGcj02(lng, lat);
      expect(metres(lng, lat, gLng, gLat)).toBeGreaterThan(1);
      const [wLng, wLat] = gcj02ToWgs84(gLng, gLat);
      worst = Math.max(worst, metres(lng, lat, wLng, wLat));
    }
    expect(worst).toBeLessThan(0.5);
  });
});
