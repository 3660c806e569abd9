import { describe, expect, it } from 'vitest';
import {
  citizenId,
  creditCode,
  date,
  fullwidthToHalfwidth,
  lower,
  mobile,
  nullTokens,
  removeSpaces,
  trim,
  upper,
  valueMap,
} from '../../../governance/rules/normalisers.ts';
import type { NormaliseFn } from '../../../governance/rules/types.ts';

type Row = readonly [input: string | null, expected: string | null];

/** Each row: the output, and that unchanged input comes back as the very same value (the fix signal). */
function table(name: string, fn: NormaliseFn, rows: readonly Row[]) {
  describe(name, () => {
    it.each(rows.map((r) => [JSON.stringify(r[0]), JSON.stringify(r[1]), r] as const))('%s -> %s', (_a, _b, [input, expected]) => {
      const out = fn(input);
      expect(out).toBe(expected);
      expect(out !== input).toBe(expected !== input);
      // Normalising twice changes nothing more.
      expect(fn(out)).toBe(out);
    });
  });
}

table('trim', trim, [
  [null, null],
  ['', ''],
  ['王伟', '王伟'],
  ['  王伟  ', '王伟'],
  ['\t上海市\u3000闵行区 ', '上海市 闵行区'],
  ['a  b   c', 'a b c'],
  ['a b', 'a b'],
  ['a\tb', 'a b'],
  ['\u00a0x\u00a0', 'x'],
  ['   ', ''],
]);

table('remove_spaces', removeSpaces, [
  [null, null],
  ['袁萍萱', '袁萍萱'],
  ['袁  萍萱', '袁萍萱'],
  [' 施萱', '施萱'],
  ['上海市闵行区  银春路734弄9号1202室', '上海市闵行区银春路734弄9号1202室'],
  ['a\u3000b\tc\nd', 'abcd'],
]);

table('fullwidth_to_halfwidth', fullwidthToHalfwidth, [
  [null, null],
  ['13800138000', '13800138000'],
  ['１９１９６１５１２６４', '19196151264'],
  ['ＡＢＣ－１２３', 'ABC-123'],
  ['！～', '!~'],
  ['上海\u3000闵行', '上海 闵行'],
  // Not NFKC: ideographs, circled digits and the full-width yen sign (outside FF01..FF5E) stay as they are.
  ['①号楼', '①号楼'],
  ['￥100', '￥100'],
  ['ｶﾞ', 'ｶﾞ'],
]);

table('upper', upper, [
  [null, null],
  ['ABC', 'ABC'],
  ['91310112ma1c354w7a', '91310112MA1C354W7A'],
  ['闵行', '闵行'],
]);

table('lower', lower, [
  [null, null],
  ['abc', 'abc'],
  ['User@Example.COM', 'user@example.com'],
]);

table('date', date, [
  [null, null],
  ['2021-03-01', '2021-03-01'],
  ['2021/3/1', '2021-03-01'],
  ['2021年3月1日', '2021-03-01'],
  ['2021年3月1', '2021-03-01'],
  ['20210301', '2021-03-01'],
  ['2021.03.01', '2021-03-01'],
  ['44256', '2021-03-01'],
  [' 2021-3-1 ', '2021-03-01'],
  // Full-width digits and separators, read directly (no fullwidth_to_halfwidth step needed).
  ['１９９０年３月１日', '1990-03-01'],
  ['１９９０－０３－０１', '1990-03-01'],
  ['１９９０／３／１', '1990-03-01'],
  ['１９９０．０３．０１', '1990-03-01'],
  ['２０２１０３０１', '2021-03-01'],
  ['１９９０-03-01', '1990-03-01'],
  ['２０２１－０２－３０', '２０２１－０２－３０'],
  // Unreadable or impossible dates stay as written, for date.valid to reject.
  ['2021-02-30', '2021-02-30'],
  ['2021-13-01', '2021-13-01'],
  ['03/01/2021', '03/01/2021'],
  ['unknown', 'unknown'],
]);

table('mobile', mobile, [
  [null, null],
  ['13800138000', '13800138000'],
  ['151-7410-0367', '15174100367'],
  ['+86 193-6098-1956', '19360981956'],
  ['+8615668909968', '15668909968'],
  ['0086 18318337068', '18318337068'],
  ['86-132-4776-3969', '13247763969'],
  ['147 6647 1735', '14766471735'],
  ['１３２４２２０５９４９', '13242205949'],
  ['(+86)13812345678', '13812345678'],
  ['（+86）13812345678', '13812345678'],
  ['+86-138-1234-5678', '13812345678'],
  ['+86 138 1234 5678', '13812345678'],
  ['138.1234.5678', '13812345678'],
  ['0086-13812345678', '13812345678'],
  ['１３８１２３４５６７８', '13812345678'],
  // Not a mobile afterwards: left as written (a landline in a phone column, or a broken number).
  ['021-54881234', '021-54881234'],
  ['12804545819', '12804545819'],
  ['195916085491', '195916085491'],
  ['138-0013-800', '138-0013-800'],
  ['021-64123456', '021-64123456'],
  ['(021)64123456', '(021)64123456'],
  ['1381234567', '1381234567'],
  ['1381234567.8', '1381234567.8'],
  ['(138)12345678', '(138)12345678'],
  ['138abc45678', '138abc45678'],
]);

table('citizen_id', citizenId, [
  [null, null],
  ['11010519491231002X', '11010519491231002X'],
  ['11010519491231002x', '11010519491231002X'],
  ['１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X'],
  ['１１０１０５１９４９１２３１００２ｘ', '11010519491231002X'],
  [' 110105194912310029 ', '110105194912310029'],
  ['310112540817293', '310112195408172938'],
  ['320102580418765', '320102195804187655'],
  // A 15-digit number with an impossible date cannot be upgraded; it stays for the validator to reject.
  ['310112541317293', '310112541317293'],
  ['abc', 'abc'],
]);

table('credit_code', creditCode, [
  [null, null],
  ['91310112MA1C354W7A', '91310112MA1C354W7A'],
  ['91310112ma1c354w7a', '91310112MA1C354W7A'],
  ['９１３１０１１２ＭＡ１Ｃ３５４Ｗ７Ａ', '91310112MA1C354W7A'],
  [' 91310112MA1C354W7A ', '91310112MA1C354W7A'],
]);

table('null_tokens (defaults)', nullTokens(), [
  [null, null],
  ['', null],
  ['   ', null],
  ['NULL', null],
  ['null', null],
  ['N/A', null],
  ['无', null],
  ['-', null],
  ['—', null],
  ['空', null],
  [' NULL ', null],
  ['Null', 'Null'],
  ['无锡', '无锡'],
  ['--', '--'],
  ['13800138000', '13800138000'],
]);

table('null_tokens (custom, ignoreCase)', nullTokens(['NA', '未知'], true), [
  ['na', null],
  ['Na', null],
  ['未知', null],
  ['', ''],
  ['NULL', 'NULL'],
]);

table(
  'value_map',
  valueMap(
    new Map([
      ['莘庄', '莘庄镇'],
      ['江川', '江川路街道'],
      ['莘庄镇', '莘庄镇'],
    ]),
  ),
  [
    [null, null],
    ['莘庄', '莘庄镇'],
    ['江川', '江川路街道'],
    ['莘庄镇', '莘庄镇'],
    ['七宝镇', '七宝镇'],
  ],
);
