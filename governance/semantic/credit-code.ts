// GB 32100 unified social credit codes: 17 payload characters plus a mod-31 check character.

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

// Char code -> value in the alphabet, -1 for anything else. Covers ASCII only.
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < CREDIT_CODE_ALPHABET.length; i++) VALUE[CREDIT_CODE_ALPHABET.charCodeAt(i)] = i;

function alphabetValue(code: number): number {
  return code < 128 ? VALUE[code]! : -1;
}

/** Check character for 17 payload characters. Throws when any is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('creditCodeCheckChar expects exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = alphabetValue(first17.charCodeAt(i));
    if (v < 0) throw new RangeError(`creditCodeCheckChar: '${first17[i]}' is not in the code alphabet`);
    sum += v * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/**
 * 18 characters from the code alphabet (upper case), checksum not verified. Some early pilot codes
 * are legal yet fail the checksum, so callers can flag rather than drop well-formed codes that fail.
 */
export function isWellFormedCreditCode(value: string): boolean {
  if (value.length !== 18) return false;
  for (let i = 0; i < 18; i++) if (alphabetValue(value.charCodeAt(i)) < 0) return false;
  return true;
}

/** Well-formed and the check character is right. */
export function isValidCreditCode(value: string): boolean {
  if (value.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = alphabetValue(value.charCodeAt(i));
    if (v < 0) return false;
    sum += v * WEIGHTS[i]!;
  }
  const check = alphabetValue(value.charCodeAt(17));
  return check >= 0 && check === (31 - (sum % 31)) % 31;
}
