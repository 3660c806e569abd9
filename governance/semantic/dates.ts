// Calendar dates as they arrive in source systems, normalised to ISO yyyy-mm-dd.

const DAY_MS = 86_400_000;
// Excel's day zero; using 1899-12-30 rather than 1900-01-01 absorbs Excel's fictitious 1900-02-29.
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const EXCEL_SERIAL_MIN = 20_000; // 1954-10-03
const EXCEL_SERIAL_MAX = 80_000; // 2119-01-11

const CH_0 = 48;
const CH_9 = 57;
const FW_0 = 0xff10; // full-width ０
const FW_9 = 0xff19;
const YEAR_CHAR = 0x5e74; // 年
const MONTH_CHAR = 0x6708; // 月
const DAY_CHAR = 0x65e5; // 日

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when year/month/day name a day of the proleptic Gregorian calendar (years 1..9999). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) && isRealYmd(year, month, day);
}

/** isRealDate for values already known to be integers (parsed from digits). */
export function isRealYmd(year: number, month: number, day: number): boolean {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && (day <= 28 || day <= daysInMonth(year, month));
}

export function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** Reads `count` ASCII digits at `start`; -1 when any is not a digit. */
function digitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return -1;
    n = n * 10 + (c - CH_0);
  }
  return n;
}

/** An ASCII or full-width digit's value, else -1. Only the flexible forms read full-width digits; ISO is ASCII. */
function wideDigit(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  if (c >= FW_0 && c <= FW_9) return c - FW_0;
  return -1;
}

/** digitsAt, also reading full-width digits. */
function wideDigitsAt(s: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const d = wideDigit(s.charCodeAt(i));
    if (d < 0) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Full-width ASCII forms (－ ／ ．) as their ASCII code; other characters unchanged. */
function halfWidth(c: number): number {
  return c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c;
}

/** Length of the run of digits at `start`, counting at most 3 (enough to reject a 3-digit month or day). */
function digitRun(s: string, start: number): number {
  let i = start;
  while (i < s.length && i - start < 3 && wideDigit(s.charCodeAt(i)) >= 0) i++;
  return i - start;
}

function isAllDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (wideDigit(s.charCodeAt(i)) < 0) return false;
  return true;
}

function excelSerialKey(serial: number): number {
  const d = new Date(EXCEL_EPOCH_MS + serial * DAY_MS);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function key(year: number, month: number, day: number): number {
  return isRealYmd(year, month, day) ? year * 10_000 + month * 100 + day : -1;
}

/**
 * The date `parseFlexibleDate` would return, as the number yyyymmdd, or -1. Allocation-free (bar
 * surrounding whitespace) so it can validate every value of a large column.
 */
export function flexibleDateKey(raw: string): number {
  if (raw.length === 10 && startsWithIsoDate(raw)) {
    return digitsAt(raw, 0, 4) * 10_000 + digitsAt(raw, 5, 2) * 100 + digitsAt(raw, 8, 2);
  }
  const s = raw.trim();
  const len = s.length;
  if (len < 5) return -1;

  if (isAllDigits(s)) {
    if (len === 8) return key(wideDigitsAt(s, 0, 4), wideDigitsAt(s, 4, 2), wideDigitsAt(s, 6, 2));
    if (len === 5) {
      const serial = wideDigitsAt(s, 0, 5);
      return serial >= EXCEL_SERIAL_MIN && serial <= EXCEL_SERIAL_MAX ? excelSerialKey(serial) : -1;
    }
    return -1;
  }

  const year = wideDigitsAt(s, 0, 4);
  if (year < 0) return -1;
  const sep = halfWidth(s.charCodeAt(4));
  const chinese = sep === YEAR_CHAR;
  if (!chinese && sep !== 45 /* - */ && sep !== 47 /* / */ && sep !== 46 /* . */) return -1;

  const monthLen = digitRun(s, 5);
  if (monthLen < 1 || monthLen > 2) return -1;
  const month = wideDigitsAt(s, 5, monthLen);
  let pos = 5 + monthLen;
  if (halfWidth(s.charCodeAt(pos)) !== (chinese ? MONTH_CHAR : sep)) return -1;
  pos++;
  const dayLen = digitRun(s, pos);
  if (dayLen < 1 || dayLen > 2) return -1;
  const day = wideDigitsAt(s, pos, dayLen);
  pos += dayLen;
  if (chinese && pos < len && s.charCodeAt(pos) === DAY_CHAR) pos++;
  if (pos !== len) return -1;
  return key(year, month, day);
}

/**
 * Parses `2021-03-01`, `2021-3-1`, `2021/3/1`, `2021.03.01`, `2021年3月1日` (the 日 may be missing),
 * `20210301` and Excel serial numbers (plain integers 20000..80000). Digits and separators may be
 * full-width (`２０２１／３／１`), as IME input in department files often is. Returns ISO yyyy-mm-dd, or
 * null when the text is not one of those forms or names no real day. Surrounding whitespace is ignored.
 */
export function parseFlexibleDate(raw: string): string | null {
  const k = flexibleDateKey(raw);
  if (k < 0) return null;
  return formatIsoDate(Math.floor(k / 10_000), Math.floor(k / 100) % 100, k % 100);
}

/** Strict ISO calendar date: exactly `yyyy-mm-dd`, naming a real day. */
export function isIsoDate(value: string): boolean {
  return value.length === 10 && startsWithIsoDate(value);
}

/** True when the first ten characters are a strict ISO calendar date (no allocation). */
export function startsWithIsoDate(value: string): boolean {
  if (value.length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  return year >= 0 && month >= 0 && day >= 0 && isRealYmd(year, month, day);
}
