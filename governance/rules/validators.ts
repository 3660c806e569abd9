// Validators: one value in, null (passes) or the reason it fails. Factories do all set-up at compile time.
import { birthDateFromCitizenId, citizenIdCheckChar, isValidCitizenId } from '../semantic/citizen-id.ts';
import { isValidCreditCode, isWellFormedCreditCode } from '../semantic/credit-code.ts';
import { flexibleDateKey, isIsoDate } from '../semantic/dates.ts';
import { isValidEmail } from '../semantic/detect.ts';
import { isBareMobile, isValidMobile } from '../semantic/mobile.ts';
import { codePointLength, isBlank, isSpace } from './chars.ts';
import { parseTimestamp, timestampProblem } from './instant.ts';
import { isValidLandline, landlineRegExp } from './landline.ts';
import { compileLinearRegExp } from './linear-regex.ts';
import { parseDecimal } from './numbers.ts';
import { organisationCodeProblem } from './organisation-code.ts';
import type { Reason, ValidateFn } from './types.ts';

export const CITIZEN_ID_REASONS = {
  length: { zh: '公民身份号码应为18位', en: 'citizen ID must have 18 characters' },
  charset: { zh: '公民身份号码含非法字符', en: 'citizen ID must be 17 digits and a digit or X' },
  birth: { zh: '公民身份号码中的出生日期无效', en: 'citizen ID birth date is not a real date between 1900 and today' },
  check: { zh: '公民身份号码校验码错误', en: 'citizen ID check character is wrong' },
  area: { zh: '公民身份号码地址码无效', en: 'citizen ID area code is not a known province' },
} as const satisfies Record<string, Reason>;

function yyyymmdd(iso: string): number {
  return Number(iso.slice(0, 4)) * 10_000 + Number(iso.slice(5, 7)) * 100 + Number(iso.slice(8, 10));
}

function localDate(iso: string): Date {
  return new Date(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10)));
}

/** Which GB 11643 requirement an invalid ID breaks first (slow path: only called on failures). */
export function citizenIdProblem(value: string, today: string): keyof typeof CITIZEN_ID_REASONS {
  if (value.length !== 18) return 'length';
  if (!/^\d{17}[\dX]$/.test(value)) return 'charset';
  const birth = birthDateFromCitizenId(value);
  if (birth === null || birth < '1900-01-01' || yyyymmdd(birth) > yyyymmdd(today)) return 'birth';
  if (citizenIdCheckChar(value.slice(0, 17)) !== value[17]) return 'check';
  return 'area';
}

/** GB 11643: 18 characters, known province, real birth date not after `today` (ISO), right check char. */
export function citizenIdValidator(today?: string): ValidateFn {
  const todayDate = today === undefined ? undefined : localDate(today);
  return (v) => {
    if (isValidCitizenId(v, todayDate)) return null;
    const now = today ?? new Date().toISOString().slice(0, 10);
    return CITIZEN_ID_REASONS[citizenIdProblem(v, now)];
  };
}

export const CREDIT_CODE_REASONS = {
  length: { zh: '统一社会信用代码应为18位', en: 'credit code must have 18 characters' },
  charset: { zh: '统一社会信用代码含非法字符', en: 'credit code may only use 0-9 and upper-case A-Y without I O S V Z' },
  check: { zh: '统一社会信用代码校验码错误', en: 'credit code check character is wrong' },
  pilot: { zh: '统一社会信用代码为试点期代码（校验码不符但合法）', en: 'credit code is a known pilot code: legal although its check character fails' },
} as const satisfies Record<string, Reason>;

/** GB 32100; codes in `pilots` pass although their check character fails. */
export function creditCodeValidator(pilots?: ReadonlySet<string>): ValidateFn {
  return (v) => {
    if (isValidCreditCode(v)) return null;
    if (v.length !== 18) return CREDIT_CODE_REASONS.length;
    if (!isWellFormedCreditCode(v)) return CREDIT_CODE_REASONS.charset;
    return pilots?.has(v) ? null : CREDIT_CODE_REASONS.check;
  };
}

/** Fails (to flag the row) when the value is a listed pilot code whose checksum fails. */
export function creditCodePilotValidator(pilots: ReadonlySet<string>): ValidateFn {
  return (v) => (pilots.has(v) && !isValidCreditCode(v) ? CREDIT_CODE_REASONS.pilot : null);
}

export const ORGANISATION_CODE_REASONS = {
  check: { zh: '组织机构代码校验码错误', en: 'organisation code check character is wrong' },
  length: { zh: '组织机构代码应为9位（或带连字符10位）', en: 'organisation code must be 8 characters and a check char (9, or 10 with the hyphen)' },
  charset: { zh: '组织机构代码含非法字符', en: 'organisation code must be 8 digits or capital letters and a digit or X' },
  hyphen: { zh: '组织机构代码不应含连字符', en: 'organisation code must be written without the hyphen here' },
} as const satisfies Record<string, Reason>;

/** GB 11714. */
export function organisationCodeValidator(allowHyphen = true): ValidateFn {
  return (v) => {
    const problem = organisationCodeProblem(v, allowHyphen);
    return problem === null ? null : ORGANISATION_CODE_REASONS[problem];
  };
}

export const MOBILE_REASONS = {
  number: { zh: '手机号码无效', en: 'not a mainland mobile number (11 digits, 1[3-9]...)' },
  formatted: {
    zh: '手机号码含分隔符、国家代码或全角数字，需先规范化',
    en: 'mobile number has separators, a country code or full-width digits: normalise it first',
  },
  landline: { zh: '为固定电话号码而非手机号码', en: 'a landline number, not a mobile' },
  charset: { zh: '手机号码含非数字字符', en: 'mobile number may only hold the digits 0-9' },
  length: { zh: '手机号码应为11位', en: 'mobile number must have 11 digits' },
  prefix: { zh: '手机号码号段无效（应以13-19开头）', en: 'mobile number must start with 13 to 19' },
} as const satisfies Record<string, Reason>;

function isAsciiDigits(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Why a value is not a bare mobile (slow path: only called on failures). */
function mobileProblem(v: string): Reason {
  if (isValidMobile(v)) return MOBILE_REASONS.formatted;
  if (isValidLandline(v)) return MOBILE_REASONS.landline;
  if (!isAsciiDigits(v)) return MOBILE_REASONS.charset;
  return v.length === 11 ? MOBILE_REASONS.prefix : MOBILE_REASONS.length;
}

/** Strict `^1[3-9]\d{9}$`: formatted numbers fail here; the mobile normaliser fixes them first. */
export function mobileValidator(): ValidateFn {
  return (v) => (isBareMobile(v) ? null : mobileProblem(v));
}

export const LANDLINE_REASONS = {
  number: { zh: '固定电话号码无效', en: 'not a mainland landline number (area code and 7-8 digits)' },
  mobile: { zh: '为手机号码而非固定电话号码', en: 'a mobile number, not a landline' },
  local: { zh: '固定电话号码缺少区号', en: 'landline number lacks its area code' },
  extension: { zh: '固定电话号码不应带分机号', en: 'landline number must be written without an extension here' },
} as const satisfies Record<string, Reason>;

export function landlineValidator(allowLocal = false, allowExtension = true): ValidateFn {
  const re = landlineRegExp(allowLocal, allowExtension);
  // What the number would pass with a looser setting says what is wrong with it.
  const local = allowLocal ? undefined : landlineRegExp(true, allowExtension);
  const extension = allowExtension ? undefined : landlineRegExp(allowLocal, true);
  return (v) => {
    if (re.test(v)) return null;
    if (isValidMobile(v)) return LANDLINE_REASONS.mobile;
    if (local?.test(v)) return LANDLINE_REASONS.local;
    if (extension?.test(v)) return LANDLINE_REASONS.extension;
    return LANDLINE_REASONS.number;
  };
}

export const PHONE_REASONS = {
  number: { zh: '联系电话既不是手机号码也不是固定电话', en: 'neither a mobile nor a landline number' },
  formatted: MOBILE_REASONS.formatted,
} as const satisfies Record<string, Reason>;

/** A mobile (strict) or a landline. */
export function phoneValidator(allowLocal = false, allowExtension = true): ValidateFn {
  const re = landlineRegExp(allowLocal, allowExtension);
  return (v) => (isBareMobile(v) || re.test(v) ? null : isValidMobile(v) ? PHONE_REASONS.formatted : PHONE_REASONS.number);
}

export const EMAIL_REASONS = {
  address: { zh: '电子邮箱格式错误', en: 'not a valid e-mail address' },
  space: { zh: '电子邮箱含空白字符', en: 'e-mail address contains white space' },
  at: { zh: '电子邮箱应含且仅含一个@', en: 'e-mail address must contain exactly one @' },
  local: { zh: '电子邮箱@前的用户名无效', en: 'e-mail user name (before the @) is empty, too long or has characters other than letters, digits and . _ % + -' },
  domain: { zh: '电子邮箱@后的域名无效', en: 'e-mail domain (after the @) must be dot-separated labels ending in a top-level domain of letters' },
  length: { zh: '电子邮箱超过254个字符', en: 'e-mail address is longer than 254 characters' },
} as const satisfies Record<string, Reason>;

/** Why isValidEmail refuses `v` (slow path): each part is judged with a known-good other part. */
function emailProblem(v: string): Reason {
  if (v.length > 254) return EMAIL_REASONS.length;
  for (let i = 0; i < v.length; i++) if (isSpace(v.charCodeAt(i))) return EMAIL_REASONS.space;
  const at = v.indexOf('@');
  if (at < 0 || at !== v.lastIndexOf('@')) return EMAIL_REASONS.at;
  if (!isValidEmail(`${v.slice(0, at)}@example.cn`)) return EMAIL_REASONS.local;
  if (!isValidEmail(`user${v.slice(at)}`)) return EMAIL_REASONS.domain;
  return EMAIL_REASONS.address;
}

export function emailValidator(): ValidateFn {
  return (v) => (isValidEmail(v) ? null : emailProblem(v));
}

export const DATE_REASONS = {
  format: { zh: '日期格式应为YYYY-MM-DD', en: 'date must be written yyyy-mm-dd' },
  written: { zh: '日期可识别但不是YYYY-MM-DD格式，需先规范化', en: 'a date written another way than yyyy-mm-dd: normalise it first' },
  day: { zh: '日期不存在（如2月30日）', en: 'date is written yyyy-mm-dd but names no real day' },
  min: { zh: '日期早于允许的最早日期', en: 'date is before the earliest allowed' },
  max: { zh: '日期晚于允许的最晚日期', en: 'date is after the latest allowed' },
} as const satisfies Record<string, Reason>;

function looksIso(v: string): boolean {
  return v.length === 10 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && isAsciiDigits(v.slice(0, 4) + v.slice(5, 7) + v.slice(8));
}

/** Why a value is not a strict ISO date (slow path). */
function dateProblem(v: string): Reason {
  if (looksIso(v)) return DATE_REASONS.day;
  return flexibleDateKey(v) >= 0 ? DATE_REASONS.written : DATE_REASONS.format;
}

/** Strict ISO date with inclusive ISO bounds (ISO dates order as strings). */
export function dateValidator(min?: string, max?: string): ValidateFn {
  return (v) => {
    if (!isIsoDate(v)) return dateProblem(v);
    if (min !== undefined && v < min) return DATE_REASONS.min;
    if (max !== undefined && v > max) return DATE_REASONS.max;
    return null;
  };
}

export const TIMESTAMP_REASONS = {
  timestamp: { zh: '时间格式错误', en: 'not an ISO 8601 timestamp (yyyy-mm-ddTHH:MM[:SS][offset])' },
  date: { zh: '时间的日期部分应为真实日期YYYY-MM-DD', en: 'timestamp must start with a real date written yyyy-mm-dd' },
  time: { zh: '时间的时刻部分缺失或无效', en: 'timestamp needs a time HH:MM[:SS[.fff]] after the date and a T or a space' },
  offset: { zh: '时区偏移格式错误或末尾有多余字符', en: 'timestamp offset must be Z, +hh:mm, +hhmm or +hh, straight after the time and ending the value' },
  noOffset: { zh: '时间缺少时区偏移', en: 'timestamp must state its offset (Z or +08:00)' },
} as const satisfies Record<string, Reason>;

export function timestampValidator(requireOffset = false): ValidateFn {
  return (v) => (Number.isNaN(parseTimestamp(v, 0, requireOffset)) ? TIMESTAMP_REASONS[timestampProblem(v, requireOffset) ?? 'timestamp'] : null);
}

export const REQUIRED_REASONS = {
  missing: { zh: '必填项为空', en: 'required value is missing' },
  blank: { zh: '必填项只有空白字符', en: 'required value is only white space' },
} as const satisfies Record<string, Reason>;

/** The one validator that sees nulls: null, empty and all-blank values fail. */
export function requiredValidator(): (v: string | null) => Reason | null {
  return (v) => (v === null || v.length === 0 ? REQUIRED_REASONS.missing : isBlank(v) ? REQUIRED_REASONS.blank : null);
}

export const ENUM_REASONS = {
  value: { zh: '取值不在允许范围内', en: 'value is not one of the allowed values' },
  space: { zh: '取值前后含空白字符', en: 'value is an allowed value with white space around it' },
  case: { zh: '取值大小写与允许值不符', en: 'value differs from an allowed value only in letter case' },
} as const satisfies Record<string, Reason>;

export function enumValidator(values: readonly string[], ignoreCase = false): ValidateFn {
  const folded = new Set(values.map((x) => x.toLowerCase()));
  const exact = new Set(values);
  // Slow path, for failures only.
  const problem = (v: string): Reason => {
    const t = v.trim();
    if (t !== v && (ignoreCase ? folded.has(t.toLowerCase()) : exact.has(t))) return ENUM_REASONS.space;
    return !ignoreCase && folded.has(t.toLowerCase()) ? ENUM_REASONS.case : ENUM_REASONS.value;
  };
  if (ignoreCase) return (v) => (folded.has(v.toLowerCase()) ? null : problem(v));
  return (v) => (exact.has(v) ? null : problem(v));
}

/** A search (anchor the pattern to match the whole value), in time linear in the value: see linear-regex.ts. */
export function regexValidator(pattern: string, flags = ''): ValidateFn {
  const re = compileLinearRegExp(pattern, flags);
  const reason: Reason = { zh: `格式不符合规则 /${pattern}/`, en: `value does not match /${pattern}/${flags}` };
  return (v) => (re.test(v) ? null : reason);
}

export const LENGTH_REASONS = {
  short: { zh: '长度小于下限', en: 'value is shorter than allowed' },
  long: { zh: '长度超过上限', en: 'value is longer than allowed' },
} as const satisfies Record<string, Reason>;

export function lengthValidator(min = 0, max = Number.POSITIVE_INFINITY): ValidateFn {
  return (v) => {
    const n = codePointLength(v);
    return n < min ? LENGTH_REASONS.short : n > max ? LENGTH_REASONS.long : null;
  };
}

export const RANGE_REASONS = {
  number: { zh: '不是有效数值', en: 'not a plain decimal number' },
  integer: { zh: '应为整数', en: 'must be a whole number' },
  min: { zh: '数值小于下限', en: 'number is below the minimum' },
  max: { zh: '数值超过上限', en: 'number is above the maximum' },
} as const satisfies Record<string, Reason>;

export function rangeValidator(min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false): ValidateFn {
  return (v) => {
    const n = parseDecimal(v);
    if (Number.isNaN(n)) return RANGE_REASONS.number;
    if (integer && !Number.isInteger(n)) return RANGE_REASONS.integer;
    return n < min ? RANGE_REASONS.min : n > max ? RANGE_REASONS.max : null;
  };
}

export const CODE_TABLE_REASONS = {
  code: { zh: '代码不在代码表中', en: 'value is not in the code table' },
  space: { zh: '代码前后含空白字符', en: 'value is a code of the table with white space around it' },
} as const satisfies Record<string, Reason>;

export function codeTableValidator(codes: ReadonlySet<string>): ValidateFn {
  return (v) => {
    if (codes.has(v)) return null;
    const t = v.trim();
    return t !== v && codes.has(t) ? CODE_TABLE_REASONS.space : CODE_TABLE_REASONS.code;
  };
}
