import { describe, expect, it } from 'vitest';
import { checkReading, readingLayout, readingTime, type ReadingPolicy } from '../../../../governance/devices/check-reading.ts';
import { buildRegistry } from '../../../../governance/devices/registry.ts';

const FIELDS = ['device_id', 'ts', 'temperature', 'humidity', 'note'];
const policy: ReadingPolicy = {
  deviceField: 'device_id',
  timestampField: 'ts',
  maxClockSkewMs: 5 * 60_000,
  maxAgeMs: 7 * 86_400_000,
  ranges: { temperature: { min: -40, max: 85 }, humidity: { min: 0 } },
};
const { registry } = buildRegistry([{ id: 'aq-1', department: 'ecology', intervalSeconds: 60 }]);
const { layout } = readingLayout(policy, FIELDS);
const NOW = Date.parse('2026-12-01T08:00:00Z');
const check = (values: (string | null)[]) => checkReading(values, layout, registry, NOW);

describe('checkReading', () => {
  it('passes a known device with a sane time and readings in range', () => {
    expect(check(['aq-1', '2026-12-01T07:59:30Z', '21.5', '40', 'x'])).toBeNull();
    // Without an offset a time is the centre's (UTC+8): 16:00 there is 08:00 UTC.
    expect(check(['aq-1', '2026-12-01 16:00:00', '-40', '0', null])).toBeNull();
    expect(check(['aq-1', '2026-12-01T08:04:59Z', '85', '1e2', null])).toBeNull();
    // A range field without a value is the message schema's business, not the range's.
    expect(check(['aq-1', '2026-12-01T08:00:00Z', null, '', null])).toBeNull();
  });

  it('refuses unknown and missing devices', () => {
    expect(check(['aq-9', '2026-12-01T08:00:00Z', '20', '40', null])).toEqual({
      en: 'unknown device "aq-9" (not in the device registry)',
      zh: '设备"aq-9"未在设备登记表中',
    });
    expect(check([null, '2026-12-01T08:00:00Z', '20', '40', null])).toEqual({ en: 'no device id', zh: '缺少设备编号' });
  });

  it('refuses missing, unparseable, future and too old reading times', () => {
    expect(check(['aq-1', null, '20', '40', null])?.en).toBe('no reading time (ts)');
    expect(check(['aq-1', '1 Dec 2026', '20', '40', null])).toEqual({
      en: 'reading time "1 Dec 2026" is not an ISO 8601 timestamp',
      zh: '读数时间"1 Dec 2026"不是 ISO 8601 时间',
    });
    expect(check(['aq-1', '2026-12-01T08:07:30Z', '20', '40', null])).toEqual({
      en: "reading time 2026-12-01T08:07:30Z is 7m ahead of the centre's clock (at most 5m allowed)",
      zh: '读数时间 2026-12-01T08:07:30Z 比中心时钟快 7分钟（最多允许 5分钟）',
    });
    expect(check(['aq-1', '2026-11-23T06:00:00Z', '20', '40', null])).toEqual({
      en: 'reading time 2026-11-23T06:00:00Z is 8d 2h old (at most 7d allowed)',
      zh: '读数时间 2026-11-23T06:00:00Z 已过去 8天2小时（最多允许 7天）',
    });
    // At the bounds exactly, still in.
    expect(check(['aq-1', '2026-12-01T08:05:00Z', '20', '40', null])).toBeNull();
    expect(check(['aq-1', '2026-11-24T08:00:00Z', '20', '40', null])).toBeNull();
  });

  it('refuses readings that are not numbers or lie outside their range', () => {
    expect(check(['aq-1', '2026-12-01T08:00:00Z', 'warm', '40', null])).toEqual({ en: 'temperature "warm" is not a number', zh: 'temperature"warm"不是数字' });
    expect(check(['aq-1', '2026-12-01T08:00:00Z', '0x10', '40', null])?.en).toBe('temperature "0x10" is not a number');
    expect(check(['aq-1', '2026-12-01T08:00:00Z', 'Infinity', '40', null])?.en).toBe('temperature "Infinity" is not a number');
    expect(check(['aq-1', '2026-12-01T08:00:00Z', '85.01', '40', null])).toEqual({
      en: 'temperature 85.01 is outside its range [-40, 85]',
      zh: 'temperature 85.01 超出范围 [-40, 85]',
    });
    expect(check(['aq-1', '2026-12-01T08:00:00Z', '20', '-1', null])).toEqual({
      en: 'humidity -1 is outside its range at least 0',
      zh: 'humidity -1 超出范围 不小于 0',
    });
  });
});

describe('readingLayout', () => {
  it('names policy fields the message does not have, and ranges that cannot hold a value', () => {
    const { problems } = readingLayout({ ...policy, ranges: { pm25: { min: 10, max: 5 } } }, ['device', 'ts']);
    expect(problems).toEqual([
      'device field "device_id" is not a field of the message (fields: device, ts)',
      'range field "pm25" is not a field of the message (fields: device, ts)',
      'range of "pm25": min 10 is above max 5',
    ]);
  });

  it('reads the reading time the way the check does', () => {
    expect(readingTime(['aq-1', '2026-12-01 16:00', null, null, null], layout)).toBe(NOW);
    expect(readingTime(['aq-1', 'soon', null, null, null], layout)).toBeNaN();
  });
});
