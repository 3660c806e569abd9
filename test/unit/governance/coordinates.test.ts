import { describe, expect, it } from 'vitest';
import { isCoordinatePair } from '../../../governance/semantic/coordinates.ts';

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
    expect(isCoordinatePair('121.4737，31.2304')).toBe(true);
  });
});
