// Incremental inference of a PostgreSQL column type from the text of its values.
import { startsWithIsoDate } from '../semantic/dates.ts';

export type PgType = 'boolean' | 'integer' | 'bigint' | 'numeric' | 'date' | 'timestamp' | 'timestamptz' | 'text';

const BOOL = 1;
const INT = 2;
const BIGINT = 4;
const NUMERIC = 8;
const DATE = 16;
const TS = 32; // ISO date-time without offset
const TSTZ = 64; // ISO date-time with Z or a numeric offset
const ALL = BOOL | INT | BIGINT | NUMERIC | DATE | TS | TSTZ;
const NUMBERS = INT | BIGINT | NUMERIC;
const TEMPORAL = DATE | TS | TSTZ;

// Beyond this a value is more likely an identifier than a quantity, and doubles stop being exact.
const MAX_SIGNIFICANT_DIGITS = 15;
// Built by repeated multiplication: every step is exact up to 10^22.
const POW10: number[] = [1];
for (let k = 1; k <= 22; k++) POW10.push(POW10[k - 1]! * 10);
const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;

const CH_0 = 48;
const CH_9 = 57;
const CH_MINUS = 45;
const CH_DOT = 46;
const CH_COLON = 58;

export interface TypeInferenceState {
  alive: number;
  observed: number;
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= CH_0 && c <= CH_9;
}

function twoDigits(s: string, i: number): number {
  return isDigitAt(s, i) && isDigitAt(s, i + 1) ? (s.charCodeAt(i) - CH_0) * 10 + s.charCodeAt(i + 1) - CH_0 : -1;
}

function booleanCompat(v: string): number {
  switch (v.length) {
    case 1: {
      const c = v.charCodeAt(0) | 0x20; // ASCII lower-case
      return c === 116 || c === 102 ? BOOL : 0;
    }
    case 4:
      return v.toLowerCase() === 'true' ? BOOL : 0;
    case 5:
      return v.toLowerCase() === 'false' ? BOOL : 0;
    default:
      return 0;
  }
}

/** Offset suffix after the time: '', 'Z', '±HH', '±HHMM' or '±HH:MM'. Returns TS, TSTZ or 0. */
function zoneCompat(v: string, i: number): number {
  const len = v.length;
  if (i === len) return TS;
  const c = v.charCodeAt(i);
  if (c === 90 /* Z */) return i + 1 === len ? TSTZ : 0;
  if (c !== 43 /* + */ && c !== CH_MINUS) return 0;
  const hh = twoDigits(v, i + 1);
  if (hh < 0 || hh > 15) return 0;
  const rest = len - (i + 3);
  if (rest === 0) return TSTZ;
  const mmAt = rest === 3 && v.charCodeAt(i + 3) === CH_COLON ? i + 4 : rest === 2 ? i + 3 : -1;
  if (mmAt < 0) return 0;
  const mm = twoDigits(v, mmAt);
  return mm >= 0 && mm <= 59 ? TSTZ : 0;
}

function temporalCompat(v: string): number {
  const len = v.length;
  if (!startsWithIsoDate(v)) return 0;
  if (len === 10) return DATE | TS;
  const sep = v.charCodeAt(10);
  if ((sep !== 84 /* T */ && sep !== 32) || len < 16 || v.charCodeAt(13) !== CH_COLON) return 0;
  const hh = twoDigits(v, 11);
  const mi = twoDigits(v, 14);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return 0;
  let i = 16;
  if (v.charCodeAt(i) === CH_COLON) {
    const ss = twoDigits(v, i + 1);
    if (ss < 0 || ss > 59) return 0;
    i += 3;
    if (v.charCodeAt(i) === CH_DOT) {
      const start = ++i;
      while (i < len && isDigitAt(v, i)) i++;
      if (i === start || i - start > 9) return 0;
    }
  }
  return zoneCompat(v, i);
}

/**
 * Tracks which PostgreSQL types could still hold every value seen. Booleans accept only
 * true/false/t/f (never 0/1); numbers have no '+', no exponent, no leading zero and at most 15
 * significant digits, so identifiers, phone numbers and codes stay text. Null values must not be
 * passed in: they do not vote.
 */
export class TypeInference {
  private alive = ALL;
  private observed = 0;
  /** Numeric value of the latest value added, or NaN when no numeric type accepts it. */
  lastNumber = NaN;

  /** True while the column could still be integer, bigint or numeric. */
  get numericAlive(): boolean {
    return (this.alive & NUMBERS) !== 0;
  }

  add(value: string): void {
    this.observed++;
    this.lastNumber = NaN;
    const alive = this.alive;
    if (alive === 0) return;
    let compat = 0;
    const c0 = value.charCodeAt(0);
    if (c0 === CH_MINUS || (c0 >= CH_0 && c0 <= CH_9)) {
      if (alive & NUMBERS) compat |= this.numberCompat(value);
      if (alive & TEMPORAL) compat |= temporalCompat(value);
    } else if (alive & BOOL) {
      compat = booleanCompat(value);
    }
    this.alive = alive & compat;
  }

  private numberCompat(v: string): number {
    const len = v.length;
    let i = v.charCodeAt(0) === CH_MINUS ? 1 : 0;
    const negative = i === 1;
    const intStart = i;
    let intValue = 0;
    while (i < len) {
      const c = v.charCodeAt(i);
      if (c < CH_0 || c > CH_9) break;
      intValue = intValue * 10 + (c - CH_0);
      i++;
    }
    const intDigits = i - intStart;
    if (intDigits === 0) return 0;
    if (intDigits > 1 && v.charCodeAt(intStart) === CH_0) return 0;
    // With no leading zeros, every integer-part digit is significant unless the part is a lone 0.
    let significant = intValue === 0 ? 0 : intDigits;
    if (i === len) {
      if (significant > MAX_SIGNIFICANT_DIGITS) return 0;
      const n = negative ? -intValue : intValue;
      this.lastNumber = n;
      return n >= INT4_MIN && n <= INT4_MAX ? INT | BIGINT | NUMERIC : BIGINT | NUMERIC;
    }
    if (v.charCodeAt(i) !== CH_DOT) return 0;
    const fracStart = ++i;
    let mantissa = intValue;
    while (i < len) {
      const c = v.charCodeAt(i);
      if (c < CH_0 || c > CH_9) return 0;
      if (significant > 0 || c !== CH_0) significant++;
      mantissa = mantissa * 10 + (c - CH_0);
      i++;
    }
    const fracDigits = i - fracStart;
    if (fracDigits === 0 || significant > MAX_SIGNIFICANT_DIGITS) return 0;
    // At most 15 significant digits keep the mantissa exact, and so is 10^k up to k = 22, so the
    // quotient is the correctly rounded value, the same double Number(v) gives, without parsing twice.
    const x = fracDigits <= 22 ? mantissa / POW10[fracDigits]! : Number(v.slice(negative ? 1 : 0));
    this.lastNumber = negative ? -x : x;
    return NUMERIC;
  }

  /** The narrowest type that holds every value seen; text when nothing (or nothing narrower) fits. */
  result(): PgType {
    const a = this.alive;
    if (this.observed === 0 || a === 0) return 'text';
    if (a & BOOL) return 'boolean';
    if (a & INT) return 'integer';
    if (a & BIGINT) return 'bigint';
    if (a & NUMERIC) return 'numeric';
    if (a & DATE) return 'date';
    if (a & TS) return 'timestamp';
    if (a & TSTZ) return 'timestamptz';
    return 'text';
  }

  toState(): TypeInferenceState {
    return { alive: this.alive, observed: this.observed };
  }

  static fromState(state: TypeInferenceState): TypeInference {
    const t = new TypeInference();
    t.alive = state.alive & ALL;
    t.observed = state.observed;
    return t;
  }
}
