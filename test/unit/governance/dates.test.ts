import { describe, expect, it } from 'vitest';
import { fullwidthToHalfwidth } from '../../../governance/rules/normalisers.ts';
import { flexibleDateKey, isIsoDate, parseFlexibleDate } from '../../../governance/semantic/dates.ts';

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

  // Department files typed with a Chinese IME carry full-width digits and separators.
  it.each([
    ['１９９０年３月１日', '1990-03-01'],
    ['１９９０－０３－０１', '1990-03-01'],
    ['１９９０／３／１', '1990-03-01'],
    ['１９９０．０３．０１', '1990-03-01'],
    ['２０２１０３０１', '2021-03-01'],
    ['４４２５６', '2021-03-01'],
    ['\u3000１９９０－０３－０１\u3000', '1990-03-01'],
    // Half- and full-width mixed, as after a partial correction.
    ['1990－03－01', '1990-03-01'],
    ['１９９０-03-01', '1990-03-01'],
    ['１９９０－03-01', '1990-03-01'],
  ])('full-width %s -> %s', (raw, expected) => {
    expect(parseFlexibleDate(raw)).toBe(expected);
  });

  it.each([
    '２０２１－０２－２９',
    '２０２１／３－１',
    '２０２１－００３－０１',
    '２１－０３－０１',
    '２０２１１３０１',
    '２０２１年１３月１日',
    '１９９０ー03ー01',
  ])('full-width %s -> null', (raw) => {
    expect(parseFlexibleDate(raw)).toBeNull();
  });

  it('reads every form the same in full width as in half width', () => {
    const wide = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const forms = [
      '2021-03-01',
      '2021-3-1',
      '2021/3/1',
      '2021.03.01',
      '2021年3月1日',
      '2021年3月1',
      '20210301',
      '44256',
      '2021-02-29',
      '2021/3-1',
      '21-03-01',
      '2021-003-01',
    ];
    for (const form of forms) {
      expect(fullwidthToHalfwidth(wide(form)), form).toBe(form);
      expect(parseFlexibleDate(wide(form)), form).toBe(parseFlexibleDate(form));
      expect(flexibleDateKey(wide(form)), form).toBe(flexibleDateKey(form));
    }
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
    // Readable, but not ISO: full-width digits and separators are for normalise.date to rewrite.
    expect(isIsoDate('１９９０－０３－０１')).toBe(false);
    expect(isIsoDate('１９９０-03-01')).toBe(false);
    expect(isIsoDate('1990－03－01')).toBe(false);
  });
});
