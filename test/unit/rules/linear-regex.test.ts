import { describe, expect, it } from 'vitest';
import { compileLinearRegExp } from '../../../governance/rules/linear-regex.ts';

describe('compileLinearRegExp', () => {
  it('finishes on patterns that make a backtracking engine take exponential time', () => {
    // V8 needs about 2^40 steps for this one; RE2 one pass.
    const evil = 'a'.repeat(40);
    expect(compileLinearRegExp('^(a+)+$').test(`${evil}!`)).toBe(false);
    expect(compileLinearRegExp('^(a+)+$').test(evil)).toBe(true);
    expect(compileLinearRegExp('^(a|a)*$').test(`${evil}!`)).toBe(false);
    expect(compileLinearRegExp('^(\\w+\\s?)*$').test(`${'word '.repeat(20)}!`)).toBe(false);
  });

  it('searches, like RegExp.prototype.test, and keeps no state between values', () => {
    const re = compileLinearRegExp('\\d{3}');
    expect([re.test('ab123cd'), re.test('ab123cd'), re.test('12')]).toEqual([true, true, false]);
  });

  // Each row: pattern, flags, value, and what ECMAScript's RegExp says (the engine must agree).
  it.each([
    ['^[\\u4e00-\\u9fa5]{2,4}$', '', '王伟'],
    ['^[\\u4e00-\\u9fa5]{2,4}$', '', '王伟A'],
    ['^\\p{Script=Han}+$', 'u', '王伟'],
    ['^\\p{sc=Han}+$', 'u', '王a'],
    ['^\\p{L}+$', 'u', '欧阳娜娜'],
    ['^ab', 'i', 'ABC'],
    ['^b$', 'm', 'a\nb'],
    ['^(?<year>\\d{4})-\\d{2}$', '', '2021-03'],
    ['^\\x41\\cA$', '', 'A\x01'],
    ['^[^]$', '', '\n'],
    ['^[]$', '', ''],
    ['^a/b$', '', 'a/b'],
    // ECMAScript's \s includes the ideographic space, RE2's does not: the engine reads it the ECMAScript way.
    ['^\\S+$', '', '王\u3000伟'],
    ['^\\s+$', '', '\u3000\u00a0\ufeff'],
    ['^[\\s,]+$', '', '\u3000,'],
    ['^[^\\s,]+$', '', 'a\u3000'],
    ['^[\\S]+$', '', 'a\u3000'],
    ['^[\\Sx]+$', '', 'ab'],
    ['^[\\s\\S]{3}$', '', 'a\u3000\n'],
    // `.` stops at \r, U+2028 and U+2029 as well as \n, unless the s flag is given.
    ['^.$', '', '\r'],
    ['^.$', '', '\u2028'],
    ['^.$', 's', '\r'],
    ['^.$', 's', '\n'],
    ['^[.]$', '', '.'],
    ['^[\\b]$', '', '\b'],
    ['\\bab\\b', '', 'x ab y'],
  ] as const)('/%s/%s on %j agrees with RegExp', (pattern, flags, value) => {
    expect(compileLinearRegExp(pattern, flags).test(value)).toBe(new RegExp(pattern, flags).test(value));
  });

  it('reads code points, as with the u flag: a rare ideograph is one character', () => {
    expect(compileLinearRegExp('^.{2}$').test('王𠀀')).toBe(true);
    expect(compileLinearRegExp('^[\\u{20000}-\\u{2a6df}]$', 'u').test('𠀀')).toBe(true);
  });

  it.each([
    ['(a)\\1', 'a backreference (\\1)'],
    ['(?<n>a)\\k<n>', 'a named backreference (\\k<…>)'],
    ['a(?=b)', 'a lookahead (?=…)'],
    ['a(?!b)', 'a lookahead (?!…)'],
    ['(?<=a)b', 'a lookbehind (?<=…)'],
    ['(?<!a)b', 'a lookbehind (?<!…)'],
  ])('refuses /%s/, saying why', (pattern, what) => {
    expect(() => compileLinearRegExp(pattern)).toThrow(RangeError);
    expect(() => compileLinearRegExp(pattern)).toThrow(
      `uses ${what}: value.regex runs on a linear-time engine (RE2), which has no backreferences or lookaround`,
    );
  });

  it('refuses what RE2 cannot compile, with its reason', () => {
    expect(() => compileLinearRegExp('^a{1001}$')).toThrow(/cannot run on the linear-time engine \(RE2\): .*invalid repeat count/);
    expect(() => compileLinearRegExp('\\p{Letter}', 'u')).toThrow(/cannot run on the linear-time engine/);
  });

  it('refuses escapes whose meaning depends on a missing u flag, and \\S in a negated class', () => {
    expect(() => compileLinearRegExp('^\\p{Han}+$')).toThrow(/only with the u flag/);
    expect(() => compileLinearRegExp('^\\u{41}$')).toThrow(/only with the u flag/);
    expect(() => compileLinearRegExp('[^\\S]')).toThrow(/negated class/);
  });

  it('checks ECMAScript syntax and flags first', () => {
    expect(() => compileLinearRegExp('(')).toThrow(SyntaxError);
    expect(() => compileLinearRegExp('(')).toThrow('Invalid regular expression: /(/: Unterminated group');
    expect(() => compileLinearRegExp('a', 'ii')).toThrow(SyntaxError);
    expect(() => compileLinearRegExp('a', 'g')).toThrow(/not allowed/);
    expect(() => compileLinearRegExp('a', 'y')).toThrow(/not allowed/);
    expect(() => compileLinearRegExp('a', 'v')).toThrow("regex flag 'v' is not supported; use any of i, m, s, u");
    expect(compileLinearRegExp('A', 'imsu').test('a')).toBe(true);
  });
});
