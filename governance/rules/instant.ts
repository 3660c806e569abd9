// ISO dates and timestamps as numbers, for ordering checks and "latest wins" de-duplication.
import { isLeapYear, startsWithIsoDate } from '../semantic/dates.ts';

/** Shanghai (UTC+8): the offset assumed for dates and for timestamps written without one. */
export const DEFAULT_OFFSET_MINUTES = 480;

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i);
    // NaN past the end fails this test too
    if (!(c >= 48 && c <= 57)) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

const DAY_MS = 86_400_000;
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334] as const;

/** Leap years in 1..year (proleptic Gregorian). */
function leapYearsThrough(year: number): number {
  return Math.floor(year / 4) - Math.floor(year / 100) + Math.floor(year / 400);
}

/** Days from 1970-01-01 to a (valid) calendar date; Date.UTC without the Date call overhead. */
export function epochDay(year: number, month: number, day: number): number {
  let days = 365 * (year - 1970) + leapYearsThrough(year - 1) - leapYearsThrough(1969) + DAYS_BEFORE_MONTH[month - 1]! + day - 1;
  if (month > 2 && isLeapYear(year)) days++;
  return days;
}

/** yyyymmdd of a value that starts with a strict ISO date (`2021-03-01`, `2021-03-01T08:00:00Z`), else -1. */
export function isoDateKey(s: string): number {
  if (!startsWithIsoDate(s)) return -1;
  return digits(s, 0, 4) * 10_000 + digits(s, 5, 2) * 100 + digits(s, 8, 2);
}

/**
 * Milliseconds since the epoch of an ISO timestamp `yyyy-mm-dd(T| )HH:MM[:SS[.fff]][Z|±HH[:MM]|±HHMM]`,
 * or NaN. A missing offset means `defaultOffsetMinutes`, unless `requireOffset`.
 */
export function parseTimestamp(s: string, defaultOffsetMinutes = DEFAULT_OFFSET_MINUTES, requireOffset = false): number {
  const len = s.length;
  if (len < 16 || !startsWithIsoDate(s)) return Number.NaN;
  const sep = s.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 32 && sep !== 116 /* t */) return Number.NaN;
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  if (s.charCodeAt(13) !== 58 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  let pos = 16;
  let second = 0;
  let millis = 0;
  if (pos < len && s.charCodeAt(pos) === 58) {
    second = digits(s, pos + 1, 2);
    if (second < 0 || second > 59) return Number.NaN;
    pos += 3;
    if (pos < len && s.charCodeAt(pos) === 46) {
      pos++;
      let scale = 100;
      const start = pos;
      for (; pos < len; pos++) {
        const c = s.charCodeAt(pos);
        if (c < 48 || c > 57) break;
        millis += (c - 48) * scale;
        scale /= 10;
      }
      if (pos === start || pos - start > 9) return Number.NaN;
      millis = Math.floor(millis);
    }
  }
  let offset = defaultOffsetMinutes;
  if (pos < len) {
    const c = s.charCodeAt(pos);
    if (c === 90 || c === 122) {
      offset = 0;
      pos++;
    } else if (c === 43 || c === 45) {
      const oh = digits(s, pos + 1, 2);
      if (oh < 0 || oh > 14) return Number.NaN;
      let om = 0;
      pos += 3;
      if (pos < len) {
        if (s.charCodeAt(pos) === 58) pos++;
        om = digits(s, pos, 2);
        if (om < 0 || om > 59) return Number.NaN;
        pos += 2;
      }
      offset = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return Number.NaN;
    }
    if (pos !== len) return Number.NaN;
  } else if (requireOffset) {
    return Number.NaN;
  }
  const day = epochDay(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
  return day * DAY_MS + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millis;
}

/** Which part of a timestamp parseTimestamp refuses. */
export type TimestampProblem = 'date' | 'time' | 'offset' | 'noOffset';

/** Where the time `HH:MM[:SS[.fff]]` after the date would end, without judging it. */
function timeEnd(s: string): number {
  let pos = 16;
  if (s.charCodeAt(pos) === 58) {
    pos += 3;
    if (s.charCodeAt(pos) === 46) {
      pos++;
      while (pos < s.length && s.charCodeAt(pos) >= 48 && s.charCodeAt(pos) <= 57) pos++;
    }
  }
  return Math.min(pos, s.length);
}

/** Null when parseTimestamp reads `s`, else the part it refuses (slow path: for failure reasons). */
export function timestampProblem(s: string, requireOffset = false): TimestampProblem | null {
  if (!Number.isNaN(parseTimestamp(s, 0, requireOffset))) return null;
  if (!startsWithIsoDate(s)) return 'date';
  const end = timeEnd(s);
  if (Number.isNaN(parseTimestamp(s.slice(0, end), 0))) return 'time';
  return end === s.length ? 'noOffset' : 'offset';
}

/** An ISO date (midnight at the default offset) or timestamp as epoch milliseconds, else NaN. */
export function instantMs(s: string, defaultOffsetMinutes = DEFAULT_OFFSET_MINUTES): number {
  if (s.length === 10) {
    const key = isoDateKey(s);
    if (key < 0) return Number.NaN;
    return epochDay(Math.floor(key / 10_000), Math.floor(key / 100) % 100, key % 100) * DAY_MS - defaultOffsetMinutes * 60_000;
  }
  return parseTimestamp(s, defaultOffsetMinutes);
}
