import { describe, expect, it } from 'vitest';
import {
  ID_BIRTH_REASON,
  ID_GENDER_REASON,
  NOT_FUTURE_REASON,
  STALE_REASON,
  TEMPORAL_ORDER_REASONS,
  citizenIdBirthKey,
  idBirthConsistency,
  idGenderConsistency,
  notFuture,
  temporalOrder,
  withinDays,
} from '../../../governance/rules/deep.ts';
import { compilePlan } from '../../../governance/rules/engine.ts';
import { epochDay, instantMs, isoDateKey, parseTimestamp } from '../../../governance/rules/instant.ts';

const MALE_ID = '310112195408172938'; // 17th digit 3: male, born 1954-08-17
const FEMALE_ID = '11010519491231002X'; // 17th digit 2: female, born 1949-12-31

describe('deep.id_birth_consistency', () => {
  const check = idBirthConsistency(0, 1);
  it.each([
    [MALE_ID, '1954-08-17', null],
    [MALE_ID, '1954/8/17', null],
    [MALE_ID, '1954年8月17日', null],
    [MALE_ID, '１９５４年８月１７日', null],
    [MALE_ID, '１９５４－０８－１８', ID_BIRTH_REASON],
    ['310112540817293', '1954-08-17', null],
    [MALE_ID, '1954-08-18', ID_BIRTH_REASON],
    [FEMALE_ID, '1951-10-28', ID_BIRTH_REASON],
    // Not judged: a missing side, an unreadable date, or an ID whose own date is impossible.
    [null, '1954-08-17', undefined],
    [MALE_ID, null, undefined],
    [MALE_ID, 'unknown', undefined],
    ['310112198807358004', '1988-07-05', undefined],
    ['31011219540817', '1954-08-17', undefined],
  ] as const)('%j / %j', (id, birth, expected) => {
    expect(check([id, birth])).toBe(expected);
  });

  it('reads the birth key of 18- and 15-character IDs', () => {
    expect(citizenIdBirthKey(MALE_ID)).toBe(19540817);
    expect(citizenIdBirthKey('310112540817293')).toBe(19540817);
    expect(citizenIdBirthKey('310112198802308004')).toBe(-1);
    expect(citizenIdBirthKey('3101121988A2308004')).toBe(-1);
  });
});

describe('deep.id_gender_consistency', () => {
  const check = idGenderConsistency(0, 1);
  it.each([
    [MALE_ID, '男', null],
    [MALE_ID, 'M', null],
    [MALE_ID, '1', null],
    [FEMALE_ID, '女', null],
    [FEMALE_ID, 'F', null],
    [FEMALE_ID, '2', null],
    ['310112540817293', '男', null],
    [MALE_ID, '女', ID_GENDER_REASON],
    [FEMALE_ID, '男', ID_GENDER_REASON],
    [FEMALE_ID, 'M', ID_GENDER_REASON],
    [MALE_ID, '未知', undefined],
    [MALE_ID, null, undefined],
    ['bad', '男', undefined],
  ] as const)('%j / %j', (id, gender, expected) => {
    expect(check([id, gender])).toBe(expected);
  });

  it('takes custom codes', () => {
    const custom = idGenderConsistency(0, 1, ['01'], ['02']);
    expect(custom([MALE_ID, '01'])).toBeNull();
    expect(custom([MALE_ID, '02'])).toBe(ID_GENDER_REASON);
    expect(custom([MALE_ID, '男'])).toBeUndefined();
  });
});

describe('deep.temporal_order', () => {
  const check = temporalOrder(0, 1);
  it.each([
    ['2021-01-01', '2021-01-02', null],
    ['2021-01-01', '2021-01-01', null],
    ['2021-01-02', '2021-01-01', TEMPORAL_ORDER_REASONS.after],
    ['2011-10-26T14:41:00+08:00', '2013-05-19T08:40:52+08:00', null],
    ['2013-05-19T08:40:53+08:00', '2013-05-19T08:40:52+08:00', TEMPORAL_ORDER_REASONS.after],
    // Offsets count: 09:00+08:00 is 01:00Z, before 02:00Z.
    ['2021-01-01T09:00:00+08:00', '2021-01-01T02:00:00Z', null],
    ['2021-01-01T11:00:00+08:00', '2021-01-01T02:00:00Z', TEMPORAL_ORDER_REASONS.after],
    // A date is midnight in Shanghai.
    ['2021-01-01', '2021-01-01T00:00:00+08:00', null],
    ['2021-01-01', '2020-12-31T23:59:59+08:00', TEMPORAL_ORDER_REASONS.after],
    ['2021/01/01', '2021-01-02', undefined],
    [null, '2021-01-02', undefined],
  ] as const)('%j <= %j', (start, end, expected) => {
    expect(check([start, end])).toBe(expected);
  });

  it('can require a strict order, and says when start equals end', () => {
    const strict = temporalOrder(0, 1, false);
    expect(strict(['2021-01-01', '2021-01-01'])).toBe(TEMPORAL_ORDER_REASONS.equal);
    expect(strict(['2021-01-01T08:00:00+08:00', '2021-01-01T00:00:00Z'])).toBe(TEMPORAL_ORDER_REASONS.equal);
    expect(strict(['2021-01-02', '2021-01-01'])).toBe(TEMPORAL_ORDER_REASONS.after);
    expect(strict(['2021-01-01', '2021-01-02'])).toBeNull();
  });
});

describe('deep.not_future', () => {
  const check = notFuture(0, '2026-11-01');
  it.each([
    ['2026-11-01', null],
    ['2026-10-31', null],
    ['2026-11-02', NOT_FUTURE_REASON],
    ['2026-11-01T23:59:59+08:00', null],
    ['2026-11-02T00:00:00+08:00', NOT_FUTURE_REASON],
    ['2029-04-19', NOT_FUTURE_REASON],
    ['2026/11/02', undefined],
    [null, undefined],
  ] as const)('%j', (value, expected) => {
    expect(check([value])).toBe(expected);
  });

  it('needs an ISO today', () => {
    expect(() => notFuture(0, '2026/11/01')).toThrow(/ISO date/);
    expect(() => notFuture(0, '2026-11-01T00:00:00Z')).toThrow(/ISO date/);
  });
});

describe('instants', () => {
  it('parses ISO timestamps with and without offsets', () => {
    const utc = Date.UTC(2023, 8, 17, 7, 34, 19);
    expect(parseTimestamp('2023-09-17T15:34:19+08:00')).toBe(utc);
    expect(parseTimestamp('2023-09-17T15:34:19+0800')).toBe(utc);
    expect(parseTimestamp('2023-09-17T15:34:19+08')).toBe(utc);
    expect(parseTimestamp('2023-09-17T07:34:19Z')).toBe(utc);
    expect(parseTimestamp('2023-09-17 15:34:19')).toBe(utc);
    expect(parseTimestamp('2023-09-17T15:34:19.5+08:00')).toBe(utc + 500);
    expect(parseTimestamp('2023-09-17T15:34:19.123456789+08:00')).toBe(utc + 123);
    expect(parseTimestamp('2023-09-17T02:34:19-05:00')).toBe(utc);
    expect(parseTimestamp('2023-09-17T15:34+08:00')).toBe(utc - 19_000);
    expect(parseTimestamp('2023-09-17T15:34:19', 0)).toBe(utc + 8 * 3_600_000);
  });
  it('rejects malformed timestamps', () => {
    for (const bad of [
      '2023-09-17',
      '2023-09-17T15',
      '2023-09-17T15:60',
      '2023-09-17T15:34:19.',
      '2023-09-17T15:34:19+8',
      '2023-09-17T15:34:19+08:0',
      '2023-09-17T15:34:19 +08:00',
      '2023-09-17X15:34:19',
      '2023-09-31T15:34:19Z',
    ]) {
      expect(parseTimestamp(bad), bad).toBeNaN();
    }
    expect(parseTimestamp('2023-09-17T15:34:19', 480, true)).toBeNaN();
  });
  it('reads dates as midnight at the default offset, and date keys', () => {
    expect(instantMs('2021-03-01')).toBe(Date.UTC(2021, 1, 28, 16));
    expect(instantMs('2021-02-30')).toBeNaN();
    expect(isoDateKey('2021-03-01T10:00:00Z')).toBe(20210301);
    expect(isoDateKey('2021-3-1')).toBe(-1);
  });
});

describe('epochDay', () => {
  it('agrees with Date.UTC across leap years and centuries', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1900, 3, 1],
      [2000, 2, 29],
      [2000, 3, 1],
      [2100, 3, 1],
      [1969, 12, 31],
      [1899, 12, 30],
      [2026, 11, 1],
    ] as const) {
      expect(epochDay(y, m, d) * 86_400_000).toBe(Date.UTC(y, m - 1, d));
    }
    for (let day = -50_000; day < 50_000; day += 37) {
      const t = new Date(day * 86_400_000);
      expect(epochDay(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())).toBe(day);
    }
  });
});

describe('deep.within_days (timeliness)', () => {
  it('passes dates within the window, fails older ones, and does not judge missing or unreadable dates', () => {
    const check = withinDays(0, '2026-11-01', 30);
    expect(check(['2026-10-02'])).toBeNull();
    expect(check(['2026-11-01T08:00:00+08:00'])).toBeNull();
    expect(check(['2026-10-01'])).toEqual(STALE_REASON);
    expect(check([null])).toBeUndefined();
    expect(check(['yesterday'])).toBeUndefined();
    expect(withinDays(0, '2024-03-01', 1)(['2024-02-29'])).toBeNull();
    expect(withinDays(0, '2024-03-01', 0)(['2024-02-29'])).toEqual(STALE_REASON);
  });

  it('is in the registry under the timeliness dimension and needs whole days', () => {
    const plan = compilePlan(['updated_at'], { deep: [{ rule: 'deep.within_days', params: { column: 'updated_at', days: 365 } }] }, { today: '2026-11-01' });
    expect(plan.slots.map((s) => [s.ruleId, s.dimension])).toContainEqual(['deep.within_days', 'timeliness']);
    expect(() =>
      compilePlan(['updated_at'], { deep: [{ rule: 'deep.within_days', params: { column: 'updated_at', days: -1 } }] }, { today: '2026-11-01' }),
    ).toThrow(/whole number of days/);
  });
});
