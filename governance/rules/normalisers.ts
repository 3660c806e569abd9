// Normalisers: pure value rewrites. Each returns its input itself when it has nothing to change (see NormaliseFn).
import { upgradeLegacyCitizenId } from '../semantic/citizen-id.ts';
import { isIsoDate, parseFlexibleDate } from '../semantic/dates.ts';
import { isBareMobile, normaliseMobile } from '../semantic/mobile.ts';
import { isSpace } from './chars.ts';
import type { NormaliseFn } from './types.ts';

/** Trims the ends and collapses each inner run of white space to one ASCII space. */
export function trim(value: string | null): string | null {
  if (value === null || value.length === 0) return value;
  const last = value.length - 1;
  let clean = !isSpace(value.charCodeAt(0)) && !isSpace(value.charCodeAt(last));
  for (let i = 1; clean && i < last; i++) {
    const c = value.charCodeAt(i);
    if (isSpace(c) && (c !== 32 || isSpace(value.charCodeAt(i + 1)))) clean = false;
  }
  if (clean) return value;
  let out = '';
  let gap = false;
  for (let i = 0; i <= last; i++) {
    if (isSpace(value.charCodeAt(i))) {
      gap = out.length > 0;
    } else {
      if (gap) out += ' ';
      gap = false;
      out += value[i];
    }
  }
  return out;
}

/** Removes all white space: Chinese names and addresses carry none. */
export function removeSpaces(value: string | null): string | null {
  if (value === null) return null;
  let i = 0;
  while (i < value.length && !isSpace(value.charCodeAt(i))) i++;
  if (i === value.length) return value;
  let out = value.slice(0, i);
  for (; i < value.length; i++) if (!isSpace(value.charCodeAt(i))) out += value[i];
  return out;
}

function isFullWidth(c: number): boolean {
  return (c >= 0xff01 && c <= 0xff5e) || c === 0x3000;
}

/**
 * Full-width ASCII forms U+FF01..U+FF5E to ASCII and the ideographic space to a space. Deliberately not
 * NFKC, which would also rewrite ideographs, circled digits and other characters that carry meaning.
 */
export function fullwidthToHalfwidth(value: string | null): string | null {
  if (value === null) return null;
  let i = 0;
  while (i < value.length && !isFullWidth(value.charCodeAt(i))) i++;
  if (i === value.length) return value;
  let out = value.slice(0, i);
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    out += c === 0x3000 ? ' ' : c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : value[i];
  }
  return out;
}

export function upper(value: string | null): string | null {
  if (value === null) return null;
  const u = value.toUpperCase();
  return u === value ? value : u;
}

export function lower(value: string | null): string | null {
  if (value === null) return null;
  const l = value.toLowerCase();
  return l === value ? value : l;
}

/** Any form parseFlexibleDate reads, to ISO yyyy-mm-dd; other values unchanged, for a validator to reject. */
export function date(value: string | null): string | null {
  if (value === null || isIsoDate(value)) return value;
  return parseFlexibleDate(value) ?? value;
}

/**
 * Strips separators and the country code from a mobile number, but only when the result is a valid mobile:
 * a landline in a shared phone column, or a number beyond saving, is left as written.
 */
export function mobile(value: string | null): string | null {
  if (value === null || isBareMobile(value)) return value;
  const n = normaliseMobile(value);
  return isBareMobile(n) ? n : value;
}

function isCanonicalCitizenId(v: string): boolean {
  if (v.length !== 18) return false;
  for (let i = 0; i < 17; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const last = v.charCodeAt(17);
  return (last >= 48 && last <= 57) || last === 88;
}

function isDigits(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Half-width, no white space, upper-case check char `X`; a 15-digit legacy number upgraded to 18. */
export function citizenId(value: string | null): string | null {
  if (value === null || isCanonicalCitizenId(value)) return value;
  let s = removeSpaces(fullwidthToHalfwidth(value))!;
  if (s.length === 18 && s.charCodeAt(17) === 120) s = `${s.slice(0, 17)}X`;
  if (s.length === 15 && isDigits(s)) s = upgradeLegacyCitizenId(s) ?? s;
  return s === value ? value : s;
}

function isCanonicalCreditCode(v: string): boolean {
  if (v.length !== 18) return false;
  for (let i = 0; i < 18; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return true;
}

/** Half-width, no white space, upper case. */
export function creditCode(value: string | null): string | null {
  if (value === null || isCanonicalCreditCode(value)) return value;
  const s = upper(removeSpaces(fullwidthToHalfwidth(value)))!;
  return s === value ? value : s;
}

export const DEFAULT_NULL_TOKENS: readonly string[] = ['', 'NULL', 'null', 'N/A', '无', '-', '—', '空'];

/** Maps values that mean "missing" to null; tokens are compared after trimming the ends. */
export function nullTokens(tokens: readonly string[] = DEFAULT_NULL_TOKENS, ignoreCase = false): NormaliseFn {
  const set = new Set(ignoreCase ? tokens.map((t) => t.toLowerCase()) : tokens);
  let longest = 0;
  for (const t of set) longest = Math.max(longest, t.length);
  return (value) => {
    if (value === null) return null;
    const len = value.length;
    // A value longer than every token can only match if it has white space to trim.
    if (len > longest && !isSpace(value.charCodeAt(0)) && !isSpace(value.charCodeAt(len - 1))) return value;
    const t = value.trim();
    return set.has(ignoreCase ? t.toLowerCase() : t) ? null : value;
  };
}

/** Replaces a value found in `map` (an alias) by its canonical form; other values pass through. */
export function valueMap(map: ReadonlyMap<string, string>): NormaliseFn {
  return (value) => {
    if (value === null) return null;
    const mapped = map.get(value);
    return mapped === undefined || mapped === value ? value : mapped;
  };
}

/** The parameterless normalisers by id. */
export const SIMPLE_NORMALISERS = {
  trim,
  remove_spaces: removeSpaces,
  fullwidth_to_halfwidth: fullwidthToHalfwidth,
  upper,
  lower,
  date,
  mobile,
  citizen_id: citizenId,
  credit_code: creditCode,
} as const satisfies Record<string, NormaliseFn>;

export type SimpleNormaliserName = keyof typeof SIMPLE_NORMALISERS;
