import { describe, expect, it } from 'vitest';
import { isIsoDate, parseFlexibleDate } from '../../../governance/semantic/dates.ts';

describe('parseFlexibleDate', () => {
  it.each([
    ['2021-03-01', '2021-03-01'],
    ['2021-3-1', '2021-03-01'],
    ['2021/3/1', '2021-03-01'],
    ['2021/03/01', '2021-03-01'],
    ['2021.03.01', '2021-03-01'],
    ['2021年3月1日', '2021-03-01'],
    ['2021年03月01日', '2021-03-01'],
    ['2021年3月1', '2021-03-01'],
    ['20210301', '2021-03-01'],
    [' 2021-03-01 ', '2021-03-01'],
    ['2020-02-29', '2020-02-29'],
    ['2000/2/29', '2000-02-29'],
    ['44256', '2021-03-01'], // Excel serial
    ['20000', '1954-10-03'],
    ['80000', '2119-01-11'],
    ['36526', '2000-01-01'],
  ])('%s -> %s', (raw, expected) => {
    expect(parseFlexibleDate(raw)).toBe(expected);
  });

  it.each([
    '2021-02-29', // not a leap year
    '1900-02-29', // century, not leap
    '2021-13-01',
    '2021-00-10',
    '2021-04-31',
    '2021/3-1', // mixed separators
    '2021-03-01T10:00:00',
    '2021-003-01',
    '21-03-01',
    '20211301',
    '19999', // below the Excel serial range
    '80001',
    '2021',
    '',
    'yesterday',
    '2021年3月1号',
    '2021年13月1日',
    '202103011',
  ])('%s -> null', (raw) => {
    expect(parseFlexibleDate(raw)).toBeNull();
  });
});

describe('isIsoDate', () => {
  it('accepts only strict yyyy-mm-dd real dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('1999-12-31')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-2-29')).toBe(false);
    expect(isIsoDate('2024/02/29')).toBe(false);
    expect(isIsoDate('20240229')).toBe(false);
    expect(isIsoDate('2024-02-29 ')).toBe(false);
    expect(isIsoDate('0000-01-01')).toBe(false);
  });
});
