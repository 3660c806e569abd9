// Mainland China mobile numbers.

const CH_0 = 48;
const CH_9 = 57;
const DOT = 46;

/** Full-width ASCII forms (０-９ ＋ － （ ） ．) as their ASCII code; other characters unchanged. */
function halfWidth(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
}

// Separators that may sit anywhere in a number: space, tab, NBSP, ideographic space, hyphen. Dots and
// parentheses are not among them: they are read only where a phone number puts them (see below).
function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x3000 || c === 45;
}

function isDigitsFrom(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return false;
  }
  return true;
}

/** `raw` in ASCII without free separators; `raw` itself when it has neither (the common case). */
function compact(raw: string): string {
  let i = 0;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (isSeparator(c) || halfWidth(c) !== c) break;
  }
  if (i === raw.length) return raw;
  let out = raw.slice(0, i);
  for (; i < raw.length; i++) {
    const c = halfWidth(raw.charCodeAt(i));
    if (!isSeparator(c)) out += String.fromCharCode(c);
  }
  return out;
}

/** `(+86)…`, `(0086)…`, `(86)…` without the parentheses; parentheses anywhere else are left alone. */
function unbracketCountryCode(s: string): string {
  if (s.charCodeAt(0) !== 40 /* ( */) return s;
  for (const code of ['+86)', '0086)', '86)']) if (s.startsWith(code, 1)) return code.slice(0, -1) + s.slice(code.length + 1);
  return s;
}

/**
 * The 11 digits of `s` from `from` on, or null. Dots count only as the 3-4-4 grouping `138.1234.5678`:
 * anywhere else a dot is more likely a decimal point (`1381234567.8` from a spreadsheet) than a separator.
 */
function nationalNumber(s: string, from: number): string | null {
  const len = s.length - from;
  if (len === 11) return isDigitsFrom(s, from) ? (from === 0 ? s : s.slice(from)) : null;
  if (len !== 13 || s.charCodeAt(from + 3) !== DOT || s.charCodeAt(from + 8) !== DOT) return null;
  const digits = s.slice(from, from + 3) + s.slice(from + 4, from + 8) + s.slice(from + 9);
  return isDigitsFrom(digits, 0) ? digits : null;
}

/**
 * Reads full-width characters as ASCII, removes spaces and hyphens, parentheses around a leading country
 * code and 3-4-4 dots, then a leading +86, 0086 or 86 country code when 11 digits follow it. What cannot
 * be read that way comes back with only the first step done, for isValidMobile to refuse.
 */
export function normaliseMobile(raw: string): string {
  const s = unbracketCountryCode(compact(raw));
  if (s.startsWith('+86')) return nationalNumber(s, 3) ?? s;
  if (s.startsWith('0086')) return nationalNumber(s, 4) ?? s;
  return nationalNumber(s, 0) ?? (s.startsWith('86') ? nationalNumber(s, 2) : null) ?? s;
}

/** Exactly `^1[3-9]\d{9}$`: the stored form, with no separators, country code or full-width digits. */
export function isBareMobile(s: string): boolean {
  if (s.length !== 11 || s.charCodeAt(0) !== 49 /* 1 */) return false;
  const second = s.charCodeAt(1);
  return second >= 51 /* 3 */ && second <= CH_9 && isDigitsFrom(s, 2);
}

/** `^1[3-9]\d{9}$` after normalising. */
export function isValidMobile(value: string): boolean {
  // Fast path: the common already-clean value needs no normalising (and no allocation).
  return isBareMobile(value) || isBareMobile(normaliseMobile(value));
}
