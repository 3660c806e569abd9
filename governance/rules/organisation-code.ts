// GB 11714 organisation codes: an 8-character body of digits and capital letters plus a mod-11 check char.

const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** 0-9 for digits, 10-35 for A-Z, -1 otherwise. */
function charValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 90) return c - 55;
  return -1;
}

function checkValue(s: string, from: number): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = charValue(s.charCodeAt(from + i));
    if (v < 0) return -1;
    sum += v * WEIGHTS[i]!;
  }
  return 11 - (sum % 11);
}

function checkChar(value: number): string {
  return value === 10 ? 'X' : value === 11 ? '0' : String(value);
}

/** Check char for an 8-character body. Throws when a character is not a digit or capital letter. */
export function organisationCodeCheckChar(body: string): string {
  const v = body.length === 8 ? checkValue(body, 0) : -1;
  if (v < 0) throw new RangeError('organisationCodeCheckChar expects 8 digits or capital letters');
  return checkChar(v);
}

/** Which requirement a code breaks first: its length, a printed hyphen where none is allowed, its characters, its check char. */
export type OrganisationCodeProblem = 'length' | 'hyphen' | 'charset' | 'check';

/**
 * Null when `value` is a valid code (`123456789`, or `12345678-9` when `allowHyphen`), else what is wrong.
 * Note that a body character swapped for one whose value differs by 11 (0 and B, 1 and C, ...) keeps the
 * same weighted sum mod 11: mod-11 over a 36-character alphabet cannot catch that substitution.
 */
export function organisationCodeProblem(value: string, allowHyphen = true): OrganisationCodeProblem | null {
  let check: number;
  if (value.length === 9) check = value.charCodeAt(8);
  else if (value.length === 10 && value.charCodeAt(8) === 45) check = value.charCodeAt(9);
  else return 'length';
  const expected = checkValue(value, 0);
  if (expected < 0 || !((check >= 48 && check <= 57) || check === 88)) return 'charset';
  if (value.length === 10 && !allowHyphen) return 'hyphen';
  return checkChar(expected).charCodeAt(0) === check ? null : 'check';
}

export function isValidOrganisationCode(value: string, allowHyphen = true): boolean {
  return organisationCodeProblem(value, allowHyphen) === null;
}
