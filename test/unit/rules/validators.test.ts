import { describe, expect, it } from 'vitest';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';
import { isValidLandline } from '../../../governance/rules/landline.ts';
import { organisationCodeCheckChar, organisationCodeProblem } from '../../../governance/rules/organisation-code.ts';
import type { Reason, ValidateFn } from '../../../governance/rules/types.ts';
import {
  CITIZEN_ID_REASONS,
  CODE_TABLE_REASONS,
  CREDIT_CODE_REASONS,
  DATE_REASONS,
  EMAIL_REASONS,
  ENUM_REASONS,
  LANDLINE_REASONS,
  LENGTH_REASONS,
  MOBILE_REASONS,
  ORGANISATION_CODE_REASONS,
  PHONE_REASONS,
  RANGE_REASONS,
  REQUIRED_REASONS,
  TIMESTAMP_REASONS,
  citizenIdValidator,
  codeTableValidator,
  creditCodePilotValidator,
  creditCodeValidator,
  dateValidator,
  emailValidator,
  enumValidator,
  landlineValidator,
  lengthValidator,
  mobileValidator,
  organisationCodeValidator,
  phoneValidator,
  rangeValidator,
  regexValidator,
  requiredValidator,
  timestampValidator,
} from '../../../governance/rules/validators.ts';

type Row = readonly [value: string, reason: Reason | null];

function table(name: string, fn: ValidateFn, rows: readonly Row[]) {
  describe(name, () => {
    it.each(rows.map((r) => [JSON.stringify(r[0]), r[1]?.en ?? 'passes', r] as const))('%s: %s', (_v, _r, [value, reason]) => {
      expect(fn(value)).toBe(reason);
    });
  });
}

const TODAY = '2026-11-01';
table('citizen_id.valid', citizenIdValidator(TODAY), [
  ['11010519491231002X', null],
  ['310112195408172938', null],
  ['11010519491231002', CITIZEN_ID_REASONS.length],
  ['310112540817293', CITIZEN_ID_REASONS.length],
  ['11010519491231002x', CITIZEN_ID_REASONS.charset],
  ['1101051949123100AX', CITIZEN_ID_REASONS.charset],
  // 1988-07-35 and 1951-17-08 do not exist (check chars recomputed, so only the date is wrong).
  ['310112198807358004', CITIZEN_ID_REASONS.birth],
  ['310112195117088701', CITIZEN_ID_REASONS.birth],
  // Born after "today", and before 1900.
  ['110105202612310010', CITIZEN_ID_REASONS.birth],
  ['110105189912310013', CITIZEN_ID_REASONS.birth],
  ['310112194809255648', CITIZEN_ID_REASONS.check],
  ['11010519491231002Y', CITIZEN_ID_REASONS.charset],
  // Province 99 does not exist (check char correct for these 17 digits).
  [`99010519491231002${citizenIdCheckChar('99010519491231002')}`, CITIZEN_ID_REASONS.area],
]);

const PILOT = '913101126017675060';
table('credit_code.valid', creditCodeValidator(new Set([PILOT])), [
  ['91310112MA1C354W7A', null],
  ['91350100M000100Y43', null],
  [PILOT, null],
  ['91310112MA1C354W7B', CREDIT_CODE_REASONS.check],
  ['91310112MA1C354W7', CREDIT_CODE_REASONS.length],
  ['91310112ma1c354w7a', CREDIT_CODE_REASONS.charset],
  ['91310112MA1C354I7A', CREDIT_CODE_REASONS.charset],
]);
table('credit_code.valid without pilots', creditCodeValidator(), [[PILOT, CREDIT_CODE_REASONS.check]]);
table('credit_code.pilot', creditCodePilotValidator(new Set([PILOT, '91310112MA1C354W7A'])), [
  [PILOT, CREDIT_CODE_REASONS.pilot],
  // Listed but valid: nothing to flag. Unlisted and invalid: credit_code.valid's business.
  ['91310112MA1C354W7A', null],
  ['91310112MA1C354W7B', null],
]);

table('organisation_code.valid', organisationCodeValidator(), [
  // D=13: 13*3 + 2*7 + 6*9 + 8*10 + 5*5 + 8*8 + 9*4 + 8*2 = 328 = 9 (mod 11) -> 11 - 9 = 2
  ['D26858982', null],
  ['D2685898-2', null],
  ['000000019', null],
  ['40000000X', null],
  ['D2685898-1', ORGANISATION_CODE_REASONS.check],
  ['D26858981', ORGANISATION_CODE_REASONS.check],
  ['d26858982', ORGANISATION_CODE_REASONS.charset],
  ['D2685898Y', ORGANISATION_CODE_REASONS.charset],
  ['D268589-2', ORGANISATION_CODE_REASONS.charset],
  ['D2685898', ORGANISATION_CODE_REASONS.length],
  ['D2685898--2', ORGANISATION_CODE_REASONS.length],
  ['D268589821', ORGANISATION_CODE_REASONS.length],
]);
table('organisation_code.valid without hyphen', organisationCodeValidator(false), [
  ['D26858982', null],
  ['D2685898-2', ORGANISATION_CODE_REASONS.hyphen],
  ['d2685898-2', ORGANISATION_CODE_REASONS.charset],
]);

describe('organisation code check char (GB 11714)', () => {
  it('is 11 - (weighted sum mod 11), with 10 -> X and 11 -> 0', () => {
    // weights 3 7 9 10 5 8 4 2
    expect(organisationCodeCheckChar('00000001')).toBe('9'); // sum 2
    expect(organisationCodeCheckChar('00000010')).toBe('7'); // sum 4
    expect(organisationCodeCheckChar('00000500')).toBe('4'); // sum 40 = 7
    expect(organisationCodeCheckChar('40000000')).toBe('X'); // sum 12 = 1 -> 10
    expect(organisationCodeCheckChar('00000000')).toBe('0'); // sum 0 -> 11
    expect(organisationCodeCheckChar('A0000000')).toBe('3'); // A = 10: sum 30 = 8
    expect(organisationCodeCheckChar('D2685898')).toBe('2');
    expect(() => organisationCodeCheckChar('d2685898')).toThrow(RangeError);
    expect(() => organisationCodeCheckChar('D268589')).toThrow(RangeError);
  });
  it('reports length, then characters, then the hyphen, then the check char', () => {
    expect(organisationCodeProblem('4000000-X')).toBe('charset');
    expect(organisationCodeProblem('40000000X')).toBeNull();
    expect(organisationCodeProblem('40000000x')).toBe('charset');
    expect(organisationCodeProblem('4000000X')).toBe('length');
    expect(organisationCodeProblem('4000000a-X', false)).toBe('charset');
    expect(organisationCodeProblem('40000000-1', false)).toBe('hyphen');
    expect(organisationCodeProblem('40000000-1')).toBe('check');
  });
});

table('mobile.valid', mobileValidator(), [
  ['13800138000', null],
  ['19912345678', null],
  ['12804545819', MOBILE_REASONS.prefix],
  ['10012345678', MOBILE_REASONS.prefix],
  ['1380013800', MOBILE_REASONS.length],
  ['138001380001', MOBILE_REASONS.length],
  ['', MOBILE_REASONS.length],
  ['1380013800a', MOBILE_REASONS.charset],
  ['138-0013-800', MOBILE_REASONS.charset],
  ['+1 13800138000', MOBILE_REASONS.charset],
  // Formatted numbers are normalised first; the stored value must be bare.
  ['138-0013-8000', MOBILE_REASONS.formatted],
  ['+8613800138000', MOBILE_REASONS.formatted],
  ['１３８００１３８０００', MOBILE_REASONS.formatted],
  ['138.0013.8000', MOBILE_REASONS.formatted],
  ['(+86)13800138000', MOBILE_REASONS.formatted],
  // A landline in a mobile column, with or without the hyphen.
  ['021-54881234', MOBILE_REASONS.landline],
  ['02154881234', MOBILE_REASONS.landline],
]);

table('landline.valid', landlineValidator(), [
  ['021-54881234', null],
  ['02154881234', null],
  ['021 54881234', null],
  ['(021)54881234', null],
  ['（021）54881234', null],
  ['010-62345678', null],
  ['0571-8888888', null],
  ['0571-88888888', null],
  ['021-54881234-123', null],
  ['021-54881234转8001', null],
  ['021-54881234 ext. 12', null],
  ['54881234', LANDLINE_REASONS.local],
  ['021-04881234', LANDLINE_REASONS.number],
  ['021-5488123', LANDLINE_REASONS.number],
  ['021-548812345', LANDLINE_REASONS.number],
  ['13800138000', LANDLINE_REASONS.mobile],
  ['138-0013-8000', LANDLINE_REASONS.mobile],
  ['0021-54881234', LANDLINE_REASONS.number],
]);
table('landline.valid allowing local numbers, no extensions', landlineValidator(true, false), [
  ['54881234', null],
  ['021-54881234-123', LANDLINE_REASONS.extension],
  ['021-5488123', LANDLINE_REASONS.number],
]);
it('isValidLandline uses the defaults', () => {
  expect(isValidLandline('021-54881234')).toBe(true);
  expect(isValidLandline('54881234')).toBe(false);
});

table('phone.valid', phoneValidator(), [
  ['13800138000', null],
  ['021-56176185', null],
  ['12804545819', PHONE_REASONS.number],
  ['', PHONE_REASONS.number],
  ['１３８００１３８０００', PHONE_REASONS.formatted],
  ['+86 138-0013-8000', PHONE_REASONS.formatted],
]);

table('email.valid', emailValidator(), [
  ['zhang.san@mh.gov.cn', null],
  ['a+b@example.com', null],
  ['zhangsan@', EMAIL_REASONS.domain],
  ['zhang.san@mh', EMAIL_REASONS.domain],
  ['zhang.san@mh.gov.c', EMAIL_REASONS.domain],
  ['zhang.san@-mh.gov.cn', EMAIL_REASONS.domain],
  ['zhang.san@mh..cn', EMAIL_REASONS.domain],
  ['zhang.san@mh.gov.cn.', EMAIL_REASONS.domain],
  ['zhang.san@mh.gov.123', EMAIL_REASONS.domain],
  ['zhang san@example.com', EMAIL_REASONS.space],
  ['zhang.san@mh.gov.cn ', EMAIL_REASONS.space],
  ['zhang.san@mh.gov\u3000cn', EMAIL_REASONS.space],
  ['@example.com', EMAIL_REASONS.local],
  ['.zhang@example.com', EMAIL_REASONS.local],
  ['zhang..san@example.com', EMAIL_REASONS.local],
  ['张三@example.com', EMAIL_REASONS.local],
  [`${'a'.repeat(65)}@example.com`, EMAIL_REASONS.local],
  ['zhang.san', EMAIL_REASONS.at],
  ['zhang.san＠mh.gov.cn', EMAIL_REASONS.at],
  ['zhang@san@mh.gov.cn', EMAIL_REASONS.at],
  [`a@${['b', 'c', 'd', 'e', 'f'].map((c) => c.repeat(60)).join('.')}.cn`, EMAIL_REASONS.length],
]);

table('date.valid', dateValidator('1900-01-01', '2026-11-01'), [
  ['2021-03-01', null],
  ['1900-01-01', null],
  ['2026-11-01', null],
  ['2024-02-29', null],
  ['2023-02-29', DATE_REASONS.day],
  ['2021-13-01', DATE_REASONS.day],
  ['0000-01-01', DATE_REASONS.day],
  ['2021-3-32', DATE_REASONS.format],
  ['03/01/2021', DATE_REASONS.format],
  ['unknown', DATE_REASONS.format],
  ['', DATE_REASONS.format],
  // Strict, like mobile.valid: dates written another way are for normalise.date to rewrite first.
  ['2021/03/01', DATE_REASONS.written],
  ['2021-3-1', DATE_REASONS.written],
  ['2021年3月1日', DATE_REASONS.written],
  [' 2021-03-01', DATE_REASONS.written],
  ['１９９０－０３－０１', DATE_REASONS.written],
  ['１９９０-03-01', DATE_REASONS.written],
  ['1899-12-31', DATE_REASONS.min],
  ['2026-11-02', DATE_REASONS.max],
]);

table('timestamp.valid', timestampValidator(), [
  ['2023-09-17T15:34:19+08:00', null],
  ['2023-09-17T15:34:19Z', null],
  ['2023-09-17 15:34:19', null],
  ['2023-09-17T15:34', null],
  ['2023-09-17T15:34:19.123456+0800', null],
  ['2023-02-30T10:00:00Z', TIMESTAMP_REASONS.date],
  ['2023/09/17 15:34:19', TIMESTAMP_REASONS.date],
  ['15:34:19', TIMESTAMP_REASONS.date],
  ['2023-09-17T24:00:00+08:00', TIMESTAMP_REASONS.time],
  ['2023-09-17T15:60', TIMESTAMP_REASONS.time],
  ['2023-09-17T15:34:1', TIMESTAMP_REASONS.time],
  ['2023-09-17T15:34:19.', TIMESTAMP_REASONS.time],
  ['2023-09-17X15:34:19', TIMESTAMP_REASONS.time],
  ['2023-09-17', TIMESTAMP_REASONS.time],
  ['2023-09-17T15:34:19+08:00x', TIMESTAMP_REASONS.offset],
  ['2023-09-17T15:34:19 +08:00', TIMESTAMP_REASONS.offset],
  ['2023-09-17T15:34:19+8', TIMESTAMP_REASONS.offset],
  ['2023-09-17T15:34:19+15:00', TIMESTAMP_REASONS.offset],
]);
table('timestamp.valid requiring an offset', timestampValidator(true), [
  ['2023-09-17T15:34:19+08:00', null],
  ['2023-09-17 15:34:19', TIMESTAMP_REASONS.noOffset],
  ['2023-09-17 15:34', TIMESTAMP_REASONS.noOffset],
  ['2023-09-17 15:34:19.123', TIMESTAMP_REASONS.noOffset],
  ['2023-09-17 15:34:19+0', TIMESTAMP_REASONS.offset],
]);

describe('value.required', () => {
  const fn = requiredValidator();
  it.each([
    ['x', null],
    ['0', null],
    ['', REQUIRED_REASONS.missing],
    [null, REQUIRED_REASONS.missing],
    ['  \u3000', REQUIRED_REASONS.blank],
    ['\t', REQUIRED_REASONS.blank],
  ] as const)('%j', (value, reason) => expect(fn(value)).toBe(reason));
});

table('value.enum', enumValidator(['男', '女', 'Other']), [
  ['男', null],
  ['女', null],
  ['Other', null],
  ['M', ENUM_REASONS.value],
  ['', ENUM_REASONS.value],
  [' 男', ENUM_REASONS.space],
  ['女\u3000', ENUM_REASONS.space],
  ['other', ENUM_REASONS.case],
  ['OTHER ', ENUM_REASONS.case],
]);
table('value.enum ignoring case', enumValidator(['Y', 'N'], true), [
  ['y', null],
  ['N', null],
  ['x', ENUM_REASONS.value],
  [' y ', ENUM_REASONS.space],
]);

describe('value.regex', () => {
  const fn = regexValidator('^\\d{6}$');
  it('tests the whole pattern and names it in the reason', () => {
    expect(fn('200000')).toBeNull();
    expect(fn('20000')?.en).toBe('value does not match /^\\d{6}$/');
    expect(fn('20000')?.zh).toContain('^\\d{6}$');
  });
  it('does not carry state between values', () => {
    const ci = regexValidator('^ab', 'i');
    expect([ci('AB'), ci('AB'), ci('ab')]).toEqual([null, null, null]);
  });
  it('answers on a pattern that would hang a backtracking engine', () => {
    const nested = regexValidator('^(a+)+$');
    expect(nested(`${'a'.repeat(40)}!`)?.en).toBe('value does not match /^(a+)+$/');
    expect(nested('a'.repeat(40))).toBeNull();
  });
  it('refuses backreferences and lookaround', () => {
    expect(() => regexValidator('(\\d)\\1')).toThrow(/linear-time engine \(RE2\), which has no backreferences or lookaround/);
    expect(() => regexValidator('^(?!0)\\d+$')).toThrow(/lookahead/);
  });
  it('refuses the stateful flags', () => {
    expect(() => regexValidator('a', 'g')).toThrow(/not allowed/);
    expect(() => regexValidator('a', 'y')).toThrow(/not allowed/);
    expect(() => regexValidator('(')).toThrow(SyntaxError);
  });
});

table('value.length', lengthValidator(2, 4), [
  ['王伟', null],
  ['欧阳娜娜', null],
  ['王', LENGTH_REASONS.short],
  ['欧阳娜娜娜', LENGTH_REASONS.long],
  // A rare ideograph outside the BMP is one character although it is two UTF-16 units.
  ['王𠀀', null],
  ['𠀀𠀀𠀀𠀀', null],
  ['𠀀', LENGTH_REASONS.short],
]);

table('value.range', rangeValidator(0, 100), [
  ['0', null],
  ['100', null],
  ['2000.96', RANGE_REASONS.max],
  ['99.5', null],
  ['+5', null],
  ['-300', RANGE_REASONS.min],
  ['-0.01', RANGE_REASONS.min],
  ['', RANGE_REASONS.number],
  [' 5', RANGE_REASONS.number],
  ['1e2', RANGE_REASONS.number],
  ['0x10', RANGE_REASONS.number],
  ['5.', RANGE_REASONS.number],
  ['.5', RANGE_REASONS.number],
  ['Infinity', RANGE_REASONS.number],
]);
table('value.range integer', rangeValidator(1, undefined, true), [
  ['1', null],
  ['2000', null],
  ['1.5', RANGE_REASONS.integer],
  ['0', RANGE_REASONS.min],
]);

table('value.code_table', codeTableValidator(new Set(['莘庄镇', '七宝镇'])), [
  ['莘庄镇', null],
  ['莘庄', CODE_TABLE_REASONS.code],
  ['莘庄镇 ', CODE_TABLE_REASONS.space],
  ['\u3000七宝镇', CODE_TABLE_REASONS.space],
  [' 莘庄 ', CODE_TABLE_REASONS.code],
]);
