// Record-level checks across fields of one row. Factories take column indexes resolved at compile time.
import { flexibleDateKey, isRealYmd } from '../semantic/dates.ts';
import { genderFromCitizenId } from '../semantic/citizen-id.ts';
import { instantMs, isoDateKey } from './instant.ts';
import type { DeepFn, Reason } from './types.ts';

export { DuplicateTracker, type DedupDecision, type DedupSpec, type DuplicateTrackerState, type Survivorship } from './dedup.ts';

export const ID_BIRTH_REASON: Reason = { zh: '出生日期与公民身份号码不一致', en: 'birth date differs from the one in the citizen ID' };
export const ID_GENDER_REASON: Reason = { zh: '性别与公民身份号码不一致', en: 'gender differs from the one the citizen ID encodes' };
export const TEMPORAL_ORDER_REASONS = {
  after: { zh: '开始时间晚于结束时间', en: 'start is after end' },
  equal: { zh: '开始时间与结束时间相同（本规则要求开始早于结束）', en: 'start equals end, and this rule requires start before end' },
} as const satisfies Record<string, Reason>;
export const NOT_FUTURE_REASON: Reason = { zh: '日期晚于当前日期', en: 'date is in the future' };
export const STALE_REASON: Reason = { zh: '数据未在要求的时间内更新', en: 'not updated within the required period' };
export const DUPLICATE_REASON: Reason = { zh: '记录重复（与先前保留的记录主键相同）', en: 'duplicate of an earlier kept record with the same key' };

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/** yyyymmdd inside an 18- or 15-character ID, or -1 when there is none or it is not a real day. */
export function citizenIdBirthKey(id: string): number {
  let year: number;
  let at: number;
  if (id.length === 18) {
    year = digits(id, 6, 10);
    at = 10;
  } else if (id.length === 15) {
    year = 1900 + digits(id, 6, 8);
    at = 8;
  } else {
    return -1;
  }
  const month = digits(id, at, at + 2);
  const day = digits(id, at + 2, at + 4);
  if (year < 0 || month < 0 || day < 0 || !isRealYmd(year, month, day)) return -1;
  return year * 10_000 + month * 100 + day;
}

function sameIsoDigits(id: string, iso: string): boolean {
  for (let i = 0; i < 4; i++) if (id.charCodeAt(6 + i) !== iso.charCodeAt(i)) return false;
  return (
    iso.charCodeAt(4) === 45 &&
    iso.charCodeAt(7) === 45 &&
    id.charCodeAt(10) === iso.charCodeAt(5) &&
    id.charCodeAt(11) === iso.charCodeAt(6) &&
    id.charCodeAt(12) === iso.charCodeAt(8) &&
    id.charCodeAt(13) === iso.charCodeAt(9)
  );
}

/** The birth-date column equals the date inside the citizen ID. Unreadable dates on either side: not judged. */
export function idBirthConsistency(idColumn: number, birthColumn: number): DeepFn {
  return (row) => {
    const id = row[idColumn];
    const birth = row[birthColumn];
    if (id == null || birth == null) return undefined;
    const fromId = citizenIdBirthKey(id);
    if (fromId < 0) return undefined;
    // Common case, an ISO birth date equal to the ID's (which is real): compare characters, parse nothing.
    if (id.length === 18 && birth.length === 10 && sameIsoDigits(id, birth)) return null;
    const stated = flexibleDateKey(birth);
    if (stated < 0) return undefined;
    return fromId === stated ? null : ID_BIRTH_REASON;
  };
}

export const DEFAULT_MALE = ['男', 'M', 'm', '1', 'male', 'Male'] as const;
export const DEFAULT_FEMALE = ['女', 'F', 'f', '2', 'female', 'Female'] as const;

/** The gender column matches the ID's sequence digit (odd = male). Values in neither list are not judged. */
export function idGenderConsistency(
  idColumn: number,
  genderColumn: number,
  male: readonly string[] = DEFAULT_MALE,
  female: readonly string[] = DEFAULT_FEMALE,
): DeepFn {
  const males = new Set(male);
  const females = new Set(female);
  return (row) => {
    const id = row[idColumn];
    const gender = row[genderColumn];
    if (id == null || gender == null) return undefined;
    const fromId = genderFromCitizenId(id);
    if (fromId === null) return undefined;
    if (males.has(gender)) return fromId === 'M' ? null : ID_GENDER_REASON;
    if (females.has(gender)) return fromId === 'F' ? null : ID_GENDER_REASON;
    return undefined;
  };
}

/** start <= end (or start < end) for ISO dates and timestamps; unreadable values are not judged. */
export function temporalOrder(startColumn: number, endColumn: number, allowEqual = true): DeepFn {
  return (row) => {
    const start = row[startColumn];
    const end = row[endColumn];
    if (start == null || end == null) return undefined;
    const a = instantMs(start);
    const b = instantMs(end);
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    if (a < b) return null;
    return a > b ? TEMPORAL_ORDER_REASONS.after : allowEqual ? null : TEMPORAL_ORDER_REASONS.equal;
  };
}

/**
 * The value's own calendar date (the first ten characters of an ISO date or timestamp, in the offset it was
 * written in) is not after `today` (ISO date). Values that do not start with an ISO date are not judged.
 */
export function notFuture(column: number, today: string): DeepFn {
  const todayKey = isoDateKey(today);
  if (todayKey < 0 || today.length !== 10) throw new RangeError(`today must be an ISO date, got '${today}'`);
  return (row) => {
    const v = row[column];
    if (v == null) return undefined;
    const key = isoDateKey(v);
    if (key < 0) return undefined;
    return key > todayKey ? NOT_FUTURE_REASON : null;
  };
}

/** Timeliness: the column's date is no more than `days` days before `today` (rows without a readable date are not judged). */
export function withinDays(column: number, today: string, days: number): DeepFn {
  const todayKey = isoDateKey(today);
  if (todayKey < 0 || today.length !== 10) throw new RangeError(`today must be an ISO date, got '${today}'`);
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number of days, got ${days}`);
  const cutoff = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10))) - days * 86_400_000);
  const cutoffKey = cutoff.getUTCFullYear() * 10_000 + (cutoff.getUTCMonth() + 1) * 100 + cutoff.getUTCDate();
  return (row) => {
    const v = row[column];
    if (v == null) return undefined;
    const key = isoDateKey(v);
    if (key < 0) return undefined;
    return key < cutoffKey ? STALE_REASON : null;
  };
}
