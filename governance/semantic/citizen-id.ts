// GB 11643 citizen identity numbers: 6-digit area code, 8-digit birth date, 3-digit sequence, check char.
import { formatIsoDate, isRealYmd } from './dates.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const CH_0 = 48;
const CH_9 = 57;

// First two digits of real province-level area codes (all fall within 11..82), as a lookup table.
const PROVINCE = new Uint8Array(100);
for (const p of [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82])
  PROVINCE[p] = 1;

// Birth years before the year this module was loaded are in the past whatever the date is now, so
// only later years need the clock. This keeps validation of millions of values free of Date objects.
const LOAD_YEAR = new Date().getFullYear();

function allDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return false;
  }
  return true;
}

function num(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - CH_0);
  return n;
}

/** Check character for the first 17 digits. Throws when the input is not exactly 17 ASCII digits. */
export function citizenIdCheckChar(first17: string): string {
  if (first17.length !== 17 || !allDigits(first17, 0, 17)) {
    throw new RangeError('citizenIdCheckChar expects exactly 17 digits');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - CH_0) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

function todayNumber(today: Date): number {
  return today.getFullYear() * 10_000 + (today.getMonth() + 1) * 100 + today.getDate();
}

/**
 * An 18-character ID: 17 digits plus a check char (digit or upper-case X), a known province code,
 * a real birth date between 1900-01-01 and `today` (default: now), and a correct check char.
 */
export function isValidCitizenId(value: string, today?: Date): boolean {
  if (value.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const d = value.charCodeAt(i) - CH_0;
    if (d < 0 || d > 9) return false;
    sum += d * WEIGHTS[i]!;
  }
  if (CHECK_CHARS.charCodeAt(sum % 11) !== value.charCodeAt(17)) return false;
  if (PROVINCE[num(value, 0, 2)] !== 1) return false;
  const year = num(value, 6, 10);
  const month = num(value, 10, 12);
  const day = num(value, 12, 14);
  if (year < 1900 || !isRealYmd(year, month, day)) return false;
  const birth = year * 10_000 + month * 100 + day;
  return today !== undefined ? birth <= todayNumber(today) : year < LOAD_YEAR || birth <= todayNumber(new Date());
}

/**
 * Upgrades a 15-digit legacy number (yymmdd birth date, born in the 1900s) to 18 characters.
 * Returns null when the input is not 15 digits or its birth date is not a real day.
 */
export function upgradeLegacyCitizenId(id15: string): string | null {
  if (id15.length !== 15 || !allDigits(id15, 0, 15)) return null;
  if (!isRealYmd(1900 + num(id15, 6, 8), num(id15, 8, 10), num(id15, 10, 12))) return null;
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + citizenIdCheckChar(first17);
}

/** Birth date (ISO yyyy-mm-dd) of an 18-character or legacy 15-digit ID; the check char is not verified. */
export function birthDateFromCitizenId(id: string): string | null {
  let year: number;
  let at: number;
  if (id.length === 18 && allDigits(id, 0, 17)) {
    year = num(id, 6, 10);
    at = 10;
  } else if (id.length === 15 && allDigits(id, 0, 15)) {
    year = 1900 + num(id, 6, 8);
    at = 8;
  } else {
    return null;
  }
  const month = num(id, at, at + 2);
  const day = num(id, at + 2, at + 4);
  return isRealYmd(year, month, day) ? formatIsoDate(year, month, day) : null;
}

/** Gender from the sequence number's last digit (odd = male); works on 18- and 15-character IDs. */
export function genderFromCitizenId(id: string): 'M' | 'F' | null {
  let at: number;
  if (id.length === 18 && allDigits(id, 0, 17)) at = 16;
  else if (id.length === 15 && allDigits(id, 0, 15)) at = 14;
  else return null;
  return (id.charCodeAt(at) - CH_0) % 2 === 1 ? 'M' : 'F';
}
