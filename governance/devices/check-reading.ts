// Whether one device reading may enter the centre: a known device, a sane time, readings within range.
import { parseTimestamp } from '../rules/instant.ts';
import type { Reason } from '../rules/types.ts';
import type { DeviceRegistry } from './registry.ts';
import { spanText, spanTextZh } from './span-text.ts';

export interface ReadingPolicy {
  /** The field naming the device. */
  deviceField: string;
  /** The field with the reading's own time (ISO 8601; without an offset it is the centre's, UTC+8). */
  timestampField: string;
  /** How far ahead of the centre's clock a device's clock may run. */
  maxClockSkewMs: number;
  /** How old a reading may be when it arrives (a device's buffer sent after an outage). */
  maxAgeMs: number;
  /** Declared ranges of numeric readings; either bound may be absent. */
  ranges: Readonly<Record<string, { min?: number; max?: number }>>;
}

/** Where the policy's fields are in a message's values, resolved once per stream. */
export interface ReadingLayout {
  readonly device: number;
  readonly timestamp: number;
  readonly timestampField: string;
  readonly maxClockSkewMs: number;
  readonly maxAgeMs: number;
  readonly ranges: readonly { index: number; field: string; min: number; max: number }[];
}

/** The layout for messages whose values come in `fieldNames` order; problems name each policy field that is not one of them. */
export function readingLayout(policy: ReadingPolicy, fieldNames: readonly string[]): { layout: ReadingLayout; problems: string[] } {
  const problems: string[] = [];
  const at = (name: string, what: string) => {
    const index = fieldNames.indexOf(name);
    if (index < 0) problems.push(`${what} "${name}" is not a field of the message (fields: ${fieldNames.join(', ')})`);
    return index;
  };
  const layout: ReadingLayout = {
    device: at(policy.deviceField, 'device field'),
    timestamp: at(policy.timestampField, 'timestamp field'),
    timestampField: policy.timestampField,
    maxClockSkewMs: policy.maxClockSkewMs,
    maxAgeMs: policy.maxAgeMs,
    ranges: Object.entries(policy.ranges).map(([field, range]) => ({
      index: at(field, 'range field'),
      field,
      min: range.min ?? Number.NEGATIVE_INFINITY,
      max: range.max ?? Number.POSITIVE_INFINITY,
    })),
  };
  for (const r of layout.ranges) if (r.min > r.max) problems.push(`range of "${r.field}": min ${r.min} is above max ${r.max}`);
  return { layout, problems };
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function bounds(min: number, max: number): string {
  if (min === Number.NEGATIVE_INFINITY) return `at most ${max}`;
  if (max === Number.POSITIVE_INFINITY) return `at least ${min}`;
  return `[${min}, ${max}]`;
}

function boundsZh(min: number, max: number): string {
  if (min === Number.NEGATIVE_INFINITY) return `不大于 ${max}`;
  if (max === Number.POSITIVE_INFINITY) return `不小于 ${min}`;
  return `[${min}, ${max}]`;
}

/** The reading time in ms since the epoch, or NaN: the same parse the check uses. */
export function readingTime(values: readonly (string | null)[], layout: ReadingLayout): number {
  const text = values[layout.timestamp];
  return text ? parseTimestamp(text.trim()) : Number.NaN;
}

/**
 * Null when the reading passes; else why not. A range field without a value passes (whether a field
 * is required is the message schema's call); one with a value must be a number within its range.
 */
export function checkReading(values: readonly (string | null)[], layout: ReadingLayout, registry: DeviceRegistry, nowMs: number): Reason | null {
  const id = values[layout.device];
  if (!id) return { en: 'no device id', zh: '缺少设备编号' };
  if (!registry.has(id)) return { en: `unknown device "${id}" (not in the device registry)`, zh: `设备"${id}"未在设备登记表中` };
  const text = values[layout.timestamp];
  if (!text) return { en: `no reading time (${layout.timestampField})`, zh: `缺少读数时间（${layout.timestampField}）` };
  const at = parseTimestamp(text.trim());
  if (Number.isNaN(at)) return { en: `reading time "${text}" is not an ISO 8601 timestamp`, zh: `读数时间"${text}"不是 ISO 8601 时间` };
  if (at > nowMs + layout.maxClockSkewMs) {
    const ahead = at - nowMs;
    return {
      en: `reading time ${text} is ${spanText(ahead)} ahead of the centre's clock (at most ${spanText(layout.maxClockSkewMs)} allowed)`,
      zh: `读数时间 ${text} 比中心时钟快 ${spanTextZh(ahead)}（最多允许 ${spanTextZh(layout.maxClockSkewMs)}）`,
    };
  }
  if (at < nowMs - layout.maxAgeMs) {
    const age = nowMs - at;
    return {
      en: `reading time ${text} is ${spanText(age)} old (at most ${spanText(layout.maxAgeMs)} allowed)`,
      zh: `读数时间 ${text} 已过去 ${spanTextZh(age)}（最多允许 ${spanTextZh(layout.maxAgeMs)}）`,
    };
  }
  for (const range of layout.ranges) {
    const raw = values[range.index];
    if (raw === null || raw === undefined || raw === '') continue;
    const value = raw.trim();
    const n = NUMBER.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n)) return { en: `${range.field} "${raw}" is not a number`, zh: `${range.field}"${raw}"不是数字` };
    if (n < range.min || n > range.max)
      return {
        en: `${range.field} ${value} is outside its range ${bounds(range.min, range.max)}`,
        zh: `${range.field} ${value} 超出范围 ${boundsZh(range.min, range.max)}`,
      };
  }
  return null;
}
