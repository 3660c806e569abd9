// Masking functions for the personal data of Chinese public-sector tables. Each one:
// - leaves null as null, and an empty or blank string as it is;
// - reads full-width forms (１３８, Ｘ, ＠) and ignores white space the way the normalisers do;
// - never throws, and never returns a non-blank value unchanged: a value that does not look like its
//   type keeps at most a short prefix (and at most half its characters), the rest starred.
// Stars replace characters one for one (the length stays visible, as people expect from `138****5678`),
// except where the length itself would say too much (the tail of an address, a redacted value).
import { isBlank } from '../rules/chars.ts';
import { citizenId as normaliseCitizenId, fullwidthToHalfwidth, removeSpaces, trim } from '../rules/normalisers.ts';
import { cjkLength } from '../semantic/cjk.ts';
import { isBareMobile, normaliseMobile } from '../semantic/mobile.ts';
import { administrativePrefix } from './address.ts';
import { asText, codePoints, conservative, count, keepEnds, stars } from './text.ts';

/** What `redact` and the hidden tail of an address become: fixed, so it says nothing about the length. */
export const REDACTED = '****';

/** The value as text, or what to return as it is (null, empty, blank). */
function text(value: unknown): { s: string; done: false } | { s: string | null; done: true } {
  const s = asText(value);
  return s === null || isBlank(s) ? { s, done: true } : { s, done: false };
}

/** Half-width, without any white space. */
function compact(s: string): string {
  return removeSpaces(fullwidthToHalfwidth(s))!;
}

/** The first `keepFirst` and last `keepLast` characters of any value; at least half of a short value is hidden. */
export function keep(value: unknown, keepFirst = 0, keepLast = 0): string | null {
  const t = text(value);
  if (t.done) return t.s;
  return keepEnds(codePoints(t.s.trim()), count(keepFirst, 0), count(keepLast, 0));
}

/** Replaced whole by `****`. */
export function redact(value: unknown): string | null {
  const t = text(value);
  return t.done ? t.s : REDACTED;
}

/** Always null. */
export function nullify(_value: unknown): null {
  return null;
}

/** The first character, the rest starred: `张三丰` → `张**`, `张三` → `张*`, `John Smith` → `J*********`. */
export function name(value: unknown): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const half = trim(fullwidthToHalfwidth(t.s))!;
  // Chinese names carry no spaces (`张 三` is 张三); a Latin name keeps its single inner spaces, starred.
  const spaceless = removeSpaces(half)!;
  return keepEnds(codePoints(cjkLength(spaceless) > 0 ? spaceless : half), 1, 0);
}

function isCitizenIdShape(s: string): boolean {
  if (s.length !== 18) return false;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const last = s.charCodeAt(17);
  return (last >= 48 && last <= 57) || last === 88;
}

/**
 * GB 11643 citizen ID: the first `keepFirst` (default 6, the area code) and last `keepLast` (default 4)
 * characters: `310112199001011234` → `310112********1234`. The birth date (characters 7-14) is hidden
 * unless the pattern reaches into it. A 15-digit legacy number is upgraded to 18 first, so both forms of
 * one person's number mask alike; the check char is not verified (a mistyped ID still has a birth date
 * to hide). Anything else keeps at most its first min(keepFirst, 6) characters.
 */
export function citizenId(value: unknown, keepFirst = 6, keepLast = 4): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const first = count(keepFirst, 6);
  const s = normaliseCitizenId(t.s)!;
  if (isCitizenIdShape(s)) return keepEnds(codePoints(s), first, count(keepLast, 4));
  return conservative(s, Math.min(first, 6));
}

// ---- phones ----

const AREA_3 = '0(?:10|2\\d)';
const AREA_4 = '0[3-9]\\d{2}';
// A fixed-line number after full-width forms were read and white space removed: a 3-digit area code
// (010, 02x) before 8 local digits, a 4-digit one before 7 or 8, written `021-`, `(021)` or `+86-21-`;
// local numbers never start with 0 or 1 (as in governance/rules/landline.ts); an optional extension.
const LANDLINE = new RegExp(
  `^(?:(?:\\+86|0086)-?(?:(?<i3>10|2\\d)-?(?<l3i>[2-9]\\d{7})|(?<i4>[3-9]\\d{2})-?(?<l4i>[2-9]\\d{6,7}))` +
    `|\\(?(?:(?<a3>${AREA_3})\\)?-?(?<l3>[2-9]\\d{7})|(?<a4>${AREA_4})\\)?-?(?<l4>[2-9]\\d{6,7}))` +
    `|(?<local>[2-9]\\d{6,7}))(?<ext>(?:-|转|#|ext\\.?|x)\\d{1,6})?$`,
  'i',
);

/** Area code (with its 0; empty for a local number), local number and extension digits of a fixed-line number. */
export function landlineParts(s: string): { area: string; local: string; extension: string } | null {
  const g = LANDLINE.exec(compact(s))?.groups;
  if (!g) return null;
  const area = g.a3 ?? g.a4 ?? (g.i3 ? `0${g.i3}` : g.i4 ? `0${g.i4}` : '');
  const local = g.l3 ?? g.l4 ?? g.l3i ?? g.l4i ?? g.local!;
  return { area, local, extension: g.ext ? g.ext.replace(/\D/g, '') : '' };
}

/**
 * Mainland mobile, read with the mobile normaliser (+86, 0086, spaces, dashes, full-width digits): the
 * first `keepFirst` (3) and last `keepLast` (4) digits: `+86 138-1234-5678` → `138****5678`. A fixed-line
 * number in a phone column is masked as one; anything else keeps at most its first 3 characters.
 */
export function mobile(value: unknown, keepFirst = 3, keepLast = 4): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const n = normaliseMobile(t.s);
  if (isBareMobile(n)) return keepEnds(codePoints(n), count(keepFirst, 3), count(keepLast, 4));
  if (landlineParts(t.s)) return landline(t.s);
  return conservative(n, Math.min(count(keepFirst, 3), 3));
}

/**
 * Fixed-line number: the area code and the last 4 local digits, written `area-local`; an extension is
 * starred: `021-64123456` → `021-****3456`, `(0571)8888888` → `0571-***8888`, `+86 21 6412 3456 转 89` →
 * `021-****3456-**`, `64123456` → `****3456`. A mobile in a phone column is masked as one; anything
 * else keeps at most its first 3 characters.
 */
export function landline(value: unknown): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const p = landlineParts(t.s);
  if (p) {
    const local = keepEnds(codePoints(p.local), 0, 4);
    return `${p.area ? `${p.area}-` : ''}${local}${p.extension ? `-${stars(p.extension.length)}` : ''}`;
  }
  const n = normaliseMobile(t.s);
  if (isBareMobile(n)) return mobile(n);
  return conservative(compact(t.s), 3);
}

// ---- the rest ----

/**
 * Address: the administrative divisions down to the town or sub-district (see administrativePrefix),
 * then `****` for the rest, whatever its length: `上海市闵行区莘庄镇莘松路380号5室` → `上海市闵行区莘庄镇****`,
 * `闵行区江川路街道某路1号` → `闵行区江川路街道****`. An address without a recognisable division (a bare
 * road and number) becomes `****`.
 */
export function address(value: unknown): string | null {
  const t = text(value);
  if (t.done) return t.s;
  return administrativePrefix(compact(t.s)) + REDACTED;
}

/**
 * E-mail: the first character of the local part, the rest of it starred, the domain kept:
 * `zhangsan@example.cn` → `z*******@example.cn`. Without exactly one `@` between a local part and a
 * domain, the first character at most.
 */
export function email(value: unknown): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const s = compact(t.s);
  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@') || at === s.length - 1) return conservative(s, 1);
  return keepEnds(codePoints(s.slice(0, at)), 1, 0) + s.slice(at);
}

/**
 * Bank card (12-19 digits, spaces and dashes ignored): first `keepFirst` (6, the issuer) and last
 * `keepLast` (4): `6222 0212 3456 7890 123` → `622202*********0123`. Anything else keeps at most its
 * first min(keepFirst, 6) characters.
 */
export function bankCard(value: unknown, keepFirst = 6, keepLast = 4): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const s = compact(t.s).replace(/-/g, '');
  const first = count(keepFirst, 6);
  if (/^\d{12,19}$/.test(s)) return keepEnds(codePoints(s), first, count(keepLast, 4));
  return conservative(s, Math.min(first, 6));
}

// Province abbreviation, issuing-authority letter, then 5 characters (6 for new-energy plates), the last
// of which may be a use mark (挂 trailer, 学 driving school, 警 police, 港/澳 cross-border, 领 consulate, 试, 超).
const PLATE = /^([京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z])([A-Z0-9]{4,5}[A-Z0-9挂学警港澳领试超])$/;

/**
 * Vehicle plate: province and letter, the last 2 characters, the rest starred: `沪A12345` → `沪A***45`,
 * new-energy `沪AD12345` → `沪A****45`. Separators (`沪A·12345`, `沪A-12345`) are dropped, letters
 * upper-cased. Anything else keeps at most its first 2 characters.
 */
export function plate(value: unknown): string | null {
  const t = text(value);
  if (t.done) return t.s;
  const written = compact(t.s);
  const m = PLATE.exec(written.replace(/[·•・.\-_]/g, '').toUpperCase());
  if (!m) return conservative(written, 2);
  return m[1]! + keepEnds(codePoints(m[2]!), 0, 2);
}
