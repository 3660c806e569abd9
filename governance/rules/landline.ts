// Mainland China fixed-line numbers.
//
// Area codes: 010 and 020-029 are three digits (their local numbers have 8 digits); all others are four
// digits 03xx-09xx (local numbers of 7 or 8 digits). Local numbers never start with 0 or 1.

const AREA_3 = '0(?:10|2\\d)[- ]?[2-9]\\d{7}';
const AREA_4 = '0[3-9]\\d{2}[- ]?[2-9]\\d{6,7}';
const BRACKETED = '[(（]0(?:10|2\\d)[)）] ?[2-9]\\d{7}|[(（]0[3-9]\\d{2}[)）] ?[2-9]\\d{6,7}';
const LOCAL = '[2-9]\\d{6,7}';
const EXTENSION = '(?:(?:-|转|#| ?(?:ext\\.?|x) ?)\\d{1,6})?';

/** A matcher for whole values; compile once and reuse. */
export function landlineRegExp(allowLocal = false, allowExtension = true): RegExp {
  const body = [AREA_3, AREA_4, BRACKETED, ...(allowLocal ? [LOCAL] : [])].join('|');
  return new RegExp(`^(?:${body})${allowExtension ? EXTENSION : ''}$`, 'i');
}

const DEFAULT = landlineRegExp();

/** `021-54881234`, `02154881234`, `(021)54881234`, `0571-8888888`, optionally with `-123` / `转123` / `ext 123`. */
export function isValidLandline(value: string): boolean {
  return DEFAULT.test(value);
}
