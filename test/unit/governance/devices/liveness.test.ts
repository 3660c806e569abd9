import { describe, expect, it } from 'vitest';
import { graceMs, liveness, livenessText, needingAttention } from '../../../../governance/devices/liveness.ts';
import { spanText, spanTextZh } from '../../../../governance/devices/span-text.ts';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const ago = (ms: number) => new Date(NOW - ms);

describe('liveness', () => {
  it('is ok within the interval and its grace, silent after, and never seen without a reading', () => {
    // 5-minute interval: a quarter (75 s) of grace.
    expect(graceMs(300)).toBe(75_000);
    expect(liveness(ago(300_000 + 75_000), 300, NOW)).toEqual({ status: 'ok', sinceMs: 375_000 });
    expect(liveness(ago(375_001), 300, NOW)).toEqual({ status: 'silent', silentForMs: 375_001 });
    expect(liveness(null, 300, NOW)).toEqual({ status: 'never-seen' });
    // A reading stamped a little after the CLI's clock is not negative silence.
    expect(liveness(new Date(NOW + 2_000), 300, NOW)).toEqual({ status: 'ok', sinceMs: 0 });
  });

  it('gives short intervals at least 10 s of grace', () => {
    expect(graceMs(5)).toBe(10_000);
    expect(liveness(ago(15_000), 5, NOW).status).toBe('ok');
    expect(liveness(ago(15_001), 5, NOW).status).toBe('silent');
  });

  it('reads as the devices command prints it', () => {
    expect(livenessText(liveness(ago(12 * 60_000), 300, NOW), 300)).toBe('silent for 12m (interval 5m)');
    expect(livenessText(liveness(ago(26 * 3_600_000 + 5 * 60_000), 3_600, NOW), 3_600)).toBe('silent for 1d 2h (interval 1h)');
    expect(livenessText(liveness(ago(1_000), 300, NOW), 300)).toBe('ok');
    expect(livenessText(liveness(null, 300, NOW), 300)).toBe('never seen');
  });

  it('lists those needing attention: the longest silent first, then the never seen', () => {
    const devices = [
      { id: 'a', liveness: liveness(ago(1_000), 60, NOW) },
      { id: 'b', liveness: liveness(null, 60, NOW) },
      { id: 'c', liveness: liveness(ago(600_000), 60, NOW) },
      { id: 'd', liveness: liveness(ago(6_000_000), 60, NOW) },
    ];
    expect(needingAttention(devices).map((d) => d.id)).toEqual(['d', 'c', 'b']);
  });
});

describe('spanText', () => {
  it('keeps the two largest units, rounded down', () => {
    expect([0, 45_499, 60_000, 725_000, 7_500_000, 7_200_000, 86_400_000, 273_600_000].map(spanText)).toEqual([
      '0s',
      '45s',
      '1m',
      '12m',
      '2h 5m',
      '2h',
      '1d',
      '3d 4h',
    ]);
    expect(spanTextZh(7_500_000)).toBe('2小时5分钟');
    expect(spanTextZh(45_000)).toBe('45秒');
  });
});
