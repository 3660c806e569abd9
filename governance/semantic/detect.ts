// Semantic type registry: a cheap shape test to recognise a column from a sample, and a strict
// validator to count how many of its values are actually valid.
import { isValidCitizenId } from './citizen-id.ts';
import { cjkLength } from './cjk.ts';
import { isCoordinatePair } from './coordinates.ts';
import { isValidCreditCode } from './credit-code.ts';
import { flexibleDateKey } from './dates.ts';
import { isValidMobile, normaliseMobile } from './mobile.ts';

export type SemanticType = 'citizen_id' | 'credit_code' | 'mobile' | 'email' | 'date' | 'coordinate' | 'chinese_name' | 'address';

export const SEMANTIC_TYPES: readonly SemanticType[] = ['citizen_id', 'credit_code', 'mobile', 'email', 'date', 'coordinate', 'chinese_name', 'address'];

/** Share of non-empty sample values whose shape must match. */
export const DETECT_THRESHOLD = 0.8;
/** Fewer non-empty sample values than this and nothing is detected. */
export const DETECT_MIN_VALUES = 20;
// When this share of a sample fits a structured type (ID, code, mobile, e-mail, date, coordinate),
// the free-text heuristics (name, address) are not allowed to claim the column.
const STRUCTURED_VETO = 0.2;

const CH_0 = 48;
const CH_9 = 57;

function isDigit(c: number): boolean {
  return c >= CH_0 && c <= CH_9;
}

function digitsOnly(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

// ---- shapes (input already trimmed) ----

function citizenIdShape(v: string): boolean {
  if (v.length === 15) return digitsOnly(v, 0, 15);
  if (v.length !== 18 || !digitsOnly(v, 0, 17)) return false;
  const last = v.charCodeAt(17);
  return isDigit(last) || last === 88 || last === 120; // X, x
}

const CREDIT_CHARS = /^[0-9A-HJ-NPQRTUWXY]{18}$/i;
function creditCodeShape(v: string): boolean {
  return v.length === 18 && CREDIT_CHARS.test(v);
}

function mobileShape(v: string): boolean {
  const n = normaliseMobile(v);
  return n.length === 11 && n.charCodeAt(0) === 49 && digitsOnly(n, 1, 11);
}

function emailShape(v: string): boolean {
  const at = v.indexOf('@');
  if (at <= 0 || at !== v.lastIndexOf('@')) return false;
  const dot = v.indexOf('.', at + 2);
  if (dot < 0 || dot === v.length - 1) return false;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) <= 32) return false;
  return true;
}

function dateShape(v: string): boolean {
  // Five-digit integers are accepted as Excel serials by the validator, but a column of them is far
  // more often counts or codes, so they never make a column a date column.
  if (v.length === 5 && digitsOnly(v, 0, 5)) return false;
  return flexibleDateKey(v) >= 0;
}

function coordinateShape(v: string): boolean {
  return v.indexOf('.') >= 0 && isCoordinatePair(v);
}

/** Place and organisation names end in these; a personal name practically never does. */
const NON_PERSON_SUFFIXES = /(?:镇|街道|路|街|区|县|市|省|乡|村|弄|号|局|委|办|所|院|司|厂|站|队|会|部|处|科|中心|公园)$/;

function chineseNameShape(v: string): boolean {
  const n = cjkLength(v);
  return n >= 2 && n <= 4 && !NON_PERSON_SUFFIXES.test(v.trim());
}

function isAddressMarker(c: number): boolean {
  // 区 路 街 镇 号 弄
  return c === 0x533a || c === 0x8def || c === 0x8857 || c === 0x9547 || c === 0x53f7 || c === 0x5f04;
}

function hasAddressMarker(v: string): boolean {
  for (let i = 0; i < v.length; i++) if (isAddressMarker(v.charCodeAt(i))) return true;
  return false;
}

function addressShape(v: string): boolean {
  return v.length > 6 && hasAddressMarker(v);
}

// ---- validators (exact value, no trimming) ----

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

/**
 * A practical subset of RFC 5321 addresses: local part of letters, digits and `_%+-` in dot-separated
 * runs (at most 64 chars); domain of at least two LDH labels (1-63 chars, no leading or trailing
 * hyphen) ending in an alphabetic top-level label; at most 254 chars overall.
 */
export function isValidEmail(value: string): boolean {
  const len = value.length;
  if (len > 254) return false;
  let i = 0;
  let run = 0;
  for (; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c === 64 /* @ */) break;
    if (c === 46 /* . */) {
      if (run === 0) return false;
      run = 0;
    } else if (isAsciiAlnum(c) || c === 95 || c === 37 || c === 43 || c === 45) {
      run++;
    } else {
      return false;
    }
  }
  if (i === len || run === 0 || i > 64) return false;
  let labels = 0;
  let labelLen = 0;
  let alphaLabel = true;
  let prev = 0;
  for (i++; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c === 46) {
      if (labelLen === 0 || prev === 45) return false;
      labels++;
      labelLen = 0;
      alphaLabel = true;
    } else if (isAsciiAlnum(c) || c === 45) {
      if (labelLen === 0 && c === 45) return false;
      if (++labelLen > 63) return false;
      if (c < 65) alphaLabel = false; // digit or hyphen
    } else {
      return false;
    }
    prev = c;
  }
  return labels >= 1 && labelLen >= 2 && alphaLabel;
}

/** 2-4 ideographs, or ideograph segments joined by a middle dot (transliterated and minority names). */
export function isChineseName(value: string): boolean {
  const n = cjkLength(value);
  if (n >= 2 && n <= 4) return !NON_PERSON_SUFFIXES.test(value);
  if (n >= 0 || value.length > 40) return false;
  const parts = value.split(/[·・•]/);
  if (parts.length < 2) return false;
  let total = 0;
  for (const part of parts) {
    const k = cjkLength(part);
    if (k < 1) return false;
    total += k;
  }
  return total <= 20;
}

/** Longer than 6 chars (at most 200), contains 区/路/街/镇/号/弄, no control characters. */
export function isAddress(value: string): boolean {
  const len = value.length;
  if (len <= 6 || len > 200) return false;
  let marker = false;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c < 32) return false;
    if (!marker && isAddressMarker(c)) marker = true;
  }
  return marker;
}

function isDate(value: string): boolean {
  return flexibleDateKey(value) >= 0;
}

interface Entry {
  readonly type: SemanticType;
  readonly shape: (trimmed: string) => boolean;
  readonly valid: (value: string) => boolean;
  /** Free-text heuristics only win when no structured type is plausible. */
  readonly freeText: boolean;
}

// Order matters only to break exact ties.
const REGISTRY: readonly Entry[] = [
  { type: 'citizen_id', shape: citizenIdShape, valid: (v) => isValidCitizenId(v), freeText: false },
  { type: 'credit_code', shape: creditCodeShape, valid: isValidCreditCode, freeText: false },
  { type: 'mobile', shape: mobileShape, valid: isValidMobile, freeText: false },
  { type: 'email', shape: emailShape, valid: isValidEmail, freeText: false },
  { type: 'date', shape: dateShape, valid: isDate, freeText: false },
  { type: 'coordinate', shape: coordinateShape, valid: isCoordinatePair, freeText: false },
  { type: 'chinese_name', shape: chineseNameShape, valid: isChineseName, freeText: true },
  { type: 'address', shape: addressShape, valid: isAddress, freeText: true },
];

const BY_TYPE = new Map<SemanticType, Entry>(REGISTRY.map((e) => [e.type, e]));

function entry(type: SemanticType): Entry {
  const e = BY_TYPE.get(type);
  if (!e) throw new RangeError(`unknown semantic type: ${String(type)}`);
  return e;
}

/** The cheap recognition test for one value (whitespace around the value is ignored). */
export function shapeFor(type: SemanticType): (value: string) => boolean {
  const shape = entry(type).shape;
  return (v) => shape(v.trim());
}

/** The strict test used to count valid values of a column of this type. */
export function validatorFor(type: SemanticType): (value: string) => boolean {
  return entry(type).valid;
}

/**
 * Decides a column's semantic type from sample values: the type whose shape matches at least 80% of
 * the non-empty values (20 at least). Overlapping shapes (an all-digit 18-char column fits both ID
 * kinds) are settled by how many values pass each validator. Name and address only count when less
 * than 20% of the sample looks like any structured type.
 */
export function detectSemanticType(sample: readonly string[]): SemanticType | null {
  const values: string[] = [];
  for (const raw of sample) {
    const v = raw.trim();
    if (v.length > 0) values.push(v);
  }
  const total = values.length;
  if (total < DETECT_MIN_VALUES) return null;

  let best: Entry | null = null;
  let bestShape = 0;
  let bestValid = -1;
  let structuredMax = 0;
  for (const e of REGISTRY) {
    let shapeCount = 0;
    for (const v of values) if (e.shape(v)) shapeCount++;
    if (!e.freeText) structuredMax = Math.max(structuredMax, shapeCount);
    if (shapeCount < DETECT_THRESHOLD * total) continue;
    if (e.freeText && structuredMax >= STRUCTURED_VETO * total) continue;
    let validCount = 0;
    for (const v of values) if (e.valid(v)) validCount++;
    if (validCount > bestValid || (validCount === bestValid && shapeCount > bestShape)) {
      best = e;
      bestShape = shapeCount;
      bestValid = validCount;
    }
  }
  return best ? best.type : null;
}
