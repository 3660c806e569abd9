import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, isValidCreditCode, isWellFormedCreditCode } from '../../../governance/semantic/credit-code.ts';

function generateCode(rand: () => number): string {
  let first17 = '';
  for (let i = 0; i < 17; i++) first17 += CREDIT_CODE_ALPHABET[Math.floor(rand() * 31)];
  return first17 + creditCodeCheckChar(first17);
}

describe('credit codes', () => {
  it('checks the GB 32100 worked example', () => {
    expect(creditCodeCheckChar('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('maps a zero weighted sum to check char 0 and a sum of 1 to Y', () => {
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
    // only the first character (weight 1) is non-zero: 31 - 1 = 30 -> 'Y'
    expect(creditCodeCheckChar('10000000000000000')).toBe('Y');
  });

  it('rejects characters outside the alphabet', () => {
    for (const bad of ['I', 'O', 'S', 'V', 'Z', 'a']) {
      expect(isWellFormedCreditCode(`91350100M000100Y4${bad}`)).toBe(false);
      expect(isValidCreditCode(`9135010${bad}M000100Y43`)).toBe(false);
    }
    expect(() => creditCodeCheckChar('91350100M000100YO')).toThrow(RangeError);
  });

  it('tells well-formed pilot codes that fail the checksum from malformed ones', () => {
    const pilot = '91350100M000100Y44';
    expect(isWellFormedCreditCode(pilot)).toBe(true);
    expect(isValidCreditCode(pilot)).toBe(false);
    expect(isWellFormedCreditCode('91350100M000100Y4')).toBe(false);
    expect(isWellFormedCreditCode('91350100m000100Y43')).toBe(false);
  });

  it('accepts generated codes and rejects every single-character substitution', () => {
    const rand = mulberry32(32100);
    let substitutions = 0;
    for (let n = 0; n < 200; n++) {
      const code = generateCode(rand);
      expect(isValidCreditCode(code)).toBe(true);
      for (let pos = 0; pos < 18; pos++) {
        for (const ch of CREDIT_CODE_ALPHABET) {
          if (ch === code[pos]) continue;
          const mutated = code.slice(0, pos) + ch + code.slice(pos + 1);
          expect(isValidCreditCode(mutated), mutated).toBe(false);
          expect(isWellFormedCreditCode(mutated)).toBe(true);
          substitutions++;
        }
      }
    }
    expect(substitutions).toBe(200 * 18 * 30);
  });
});
