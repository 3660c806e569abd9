import { describe, expect, it } from 'vitest';
import { dayBoundary, formatInZone } from '../../../cli/day-range.ts';

describe('audit --from / --to days', () => {
  it("reads a day in the centre's time zone; --to includes the whole day", () => {
    expect(dayBoundary('2026-12-01', 'Asia/Shanghai')!.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(dayBoundary('2026-12-01', 'Asia/Shanghai', true)!.toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(dayBoundary('2026-03-29', 'Europe/Berlin', true)!.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('takes a time with its zone as it is, and refuses what is neither', () => {
    expect(dayBoundary('2026-12-01T08:00+08:00', 'UTC')!.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(dayBoundary('2026-12-01T08:00', 'UTC')).toBeUndefined();
    expect(dayBoundary('2026-13-01', 'UTC')).toBeUndefined();
    expect(dayBoundary('2026-02-30', 'UTC')).toBeUndefined();
    expect(dayBoundary('yesterday', 'UTC')).toBeUndefined();
  });

  it('prints times in the zone', () => {
    expect(formatInZone(new Date('2026-11-30T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-01 00:00:00');
  });
});
