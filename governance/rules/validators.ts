// Validators: one value in, null (passes) or the reason it fails. Factories do all set-up at compile time.
import { birthDateFromCitizenId, citizenIdCheckChar, isValidCitizenId } from '../semantic/citizen-id.ts';
import { isValidCreditCode, isWellFormedCreditCode } from '../semantic/credit-code.ts';
import { isIsoDate } from '../semantic/dates.ts';
import { isValidEmail } from '../semantic/detect.ts';
import { isBareMobile } from '../semantic/mobile.ts';
import { codePointLength, isBlank } from './chars.ts';
import { parseTimestamp } from './instant.ts';
import { landlineRegExp } from './landline.ts';
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
  format: { zh: '组织机构代码格式错误', en: 'organisation code must be 8 digits or capital letters and a check char' },
  check: { zh: '组织机构代码校验码错误', en: 'organisation code check character is wrong' },
} as const satisfies Record<string, Reason>;

/** GB 11714. */
export function organisationCodeValidator(allowHyphen = true): ValidateFn {
  return (v) => {
    const problem = organisationCodeProblem(v, allowHyphen);
    return problem === null ? null : ORGANISATION_CODE_REASONS[problem];
  };
}

export const MOBILE_REASON: Reason = { zh: '手机号码无效', en: 'not a mainland mobile number (11 digits, 1[3-9]...)' };

/** Strict `^1[3-9]\d{9}$`: formatted numbers fail here; the mobile normaliser fixes them first. */
export function mobileValidator(): ValidateFn {
  return (v) => (isBareMobile(v) ? null : MOBILE_REASON);
}

export const LANDLINE_REASON: Reason = { zh: '固定电话号码无效', en: 'not a mainland landline number (area code and 7-8 digits)' };
export const PHONE_REASON: Reason = { zh: '联系电话既不是手机号码也不是固定电话', en: 'neither a mobile nor a landline number' };

export function landlineValidator(allowLocal = false, allowExtension = true): ValidateFn {
  const re = landlineRegExp(allowLocal, allowExtension);
  return (v) => (re.test(v) ? null : LANDLINE_REASON);
}

/** A mobile (strict) or a landline. */
export function phoneValidator(allowLocal = false, allowExtension = true): ValidateFn {
  const re = landlineRegExp(allowLocal, allowExtension);
  return (v) => (isBareMobile(v) || re.test(v) ? null : PHONE_REASON);
}

export const EMAIL_REASON: Reason = { zh: '电子邮箱格式错误', en: 'not a valid e-mail address' };

export function emailValidator(): ValidateFn {
  return (v) => (isValidEmail(v) ? null : EMAIL_REASON);
}

export const DATE_REASONS = {
  format: { zh: '日期格式应为YYYY-MM-DD且为真实日期', en: 'date must be a real date written yyyy-mm-dd' },
  min: { zh: '日期早于允许的最早日期', en: 'date is before the earliest allowed' },
  max: { zh: '日期晚于允许的最晚日期', en: 'date is after the latest allowed' },
} as const satisfies Record<string, Reason>;

/** Strict ISO date with inclusive ISO bounds (ISO dates order as strings). */
export function dateValidator(min?: string, max?: string): ValidateFn {
  return (v) => {
    if (!isIsoDate(v)) return DATE_REASONS.format;
    if (min !== undefined && v < min) return DATE_REASONS.min;
    if (max !== undefined && v > max) return DATE_REASONS.max;
    return null;
  };
}

export const TIMESTAMP_REASON: Reason = { zh: '时间格式错误', en: 'not an ISO 8601 timestamp (yyyy-mm-ddTHH:MM[:SS][offset])' };

export function timestampValidator(requireOffset = false): ValidateFn {
  return (v) => (Number.isNaN(parseTimestamp(v, 0, requireOffset)) ? TIMESTAMP_REASON : null);
}

export const REQUIRED_REASON: Reason = { zh: '必填项为空', en: 'required value is missing' };

/** The one validator that sees nulls: null, empty and all-blank values fail. */
export function requiredValidator(): (v: string | null) => Reason | null {
  return (v) => (v === null || isBlank(v) ? REQUIRED_REASON : null);
}

export const ENUM_REASON: Reason = { zh: '取值不在允许范围内', en: 'value is not one of the allowed values' };

export function enumValidator(values: readonly string[], ignoreCase = false): ValidateFn {
  if (ignoreCase) {
    const set = new Set(values.map((x) => x.toLowerCase()));
    return (v) => (set.has(v.toLowerCase()) ? null : ENUM_REASON);
  }
  const set = new Set(values);
  return (v) => (set.has(v) ? null : ENUM_REASON);
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

export const CODE_TABLE_REASON: Reason = { zh: '代码不在代码表中', en: 'value is not in the code table' };

export function codeTableValidator(codes: ReadonlySet<string>): ValidateFn {
  return (v) => (codes.has(v) ? null : CODE_TABLE_REASON);
}
