import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';
import {
  birthDateFromCitizenId,
  citizenIdCheckChar,
  genderFromCitizenId,
  isValidCitizenId,
  upgradeLegacyCitizenId,
} from '../../../governance/semantic/citizen-id.ts';

const PROVINCES = ['11', '12', '31', '32', '33', '44', '50', '65', '71', '81', '82'];

function generateId(rand: () => number): string {
  const int = (n: number) => Math.floor(rand() * n);
  const province = PROVINCES[int(PROVINCES.length)]!;
  const area = String(int(10_000)).padStart(4, '0');
  const year = 1900 + int(120);
  const month = 1 + int(12);
  const day = 1 + int(28);
  const seq = String(int(1000)).padStart(3, '0');
  const first17 = `${province}${area}${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}${seq}`;
  return first17 + citizenIdCheckChar(first17);
}

const ALLOWED = '0123456789';

describe('citizenIdCheckChar', () => {
  it('computes the check char of the GB 11643 worked example', () => {
    expect(citizenIdCheckChar('11010519491231002')).toBe('X');
  });
  it('computes digit check chars', () => {
    // sum = 0 -> '1', and a known sample with check digit 4
    expect(citizenIdCheckChar('00000000000000000')).toBe('1');
    expect(citizenIdCheckChar('44052418800101001')).toBe('4');
  });
  it('rejects input that is not 17 digits', () => {
    expect(() => citizenIdCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => citizenIdCheckChar('1101051949123100A')).toThrow(RangeError);
  });
});

describe('isValidCitizenId', () => {
  const today = new Date(2024, 5, 15);

  it('accepts the standard example', () => {
    expect(isValidCitizenId('11010519491231002X', today)).toBe(true);
  });
  it('rejects a lower-case x', () => {
    expect(isValidCitizenId('11010519491231002x', today)).toBe(false);
  });
  it('rejects a wrong check char', () => {
    expect(isValidCitizenId('110105194912310021', today)).toBe(false);
  });
  it('rejects a birth year before 1900 even with a correct check char', () => {
    expect(isValidCitizenId('440524188001010014', today)).toBe(false);
  });
  it('rejects impossible birth dates', () => {
    const feb30 = '31011219900230123';
    expect(isValidCitizenId(feb30 + citizenIdCheckChar(feb30), today)).toBe(false);
    const leap = '31011220000229123';
    expect(isValidCitizenId(leap + citizenIdCheckChar(leap), today)).toBe(true);
    const notLeap = '31011219000229123';
    expect(isValidCitizenId(notLeap + citizenIdCheckChar(notLeap), today)).toBe(false);
  });
  it('rejects birth dates after today', () => {
    const first17 = '31011220240616123';
    const id = first17 + citizenIdCheckChar(first17);
    expect(isValidCitizenId(id, today)).toBe(false);
    expect(isValidCitizenId(id, new Date(2024, 5, 16))).toBe(true);
  });
  it('rejects unknown province codes', () => {
    for (const p of ['00', '10', '19', '83', '99']) {
      const first17 = `${p}011219900101123`;
      expect(isValidCitizenId(first17 + citizenIdCheckChar(first17), today)).toBe(false);
    }
  });
  it('rejects wrong lengths and non-digits', () => {
    expect(isValidCitizenId('', today)).toBe(false);
    expect(isValidCitizenId('11010519491231002', today)).toBe(false);
    expect(isValidCitizenId('11010519491231002XX', today)).toBe(false);
    expect(isValidCitizenId('1101051949123100AX', today)).toBe(false);
    expect(isValidCitizenId(' 11010519491231002X', today)).toBe(false);
  });

  it('accepts generated IDs and rejects every single-character substitution', () => {
    const rand = mulberry32(11643);
    let substitutions = 0;
    for (let n = 0; n < 300; n++) {
      const id = generateId(rand);
      expect(isValidCitizenId(id, today)).toBe(true);
      for (let pos = 0; pos < 18; pos++) {
        const alphabet = pos === 17 ? `${ALLOWED}X` : ALLOWED;
        for (const ch of alphabet) {
          if (ch === id[pos]) continue;
          const mutated = id.slice(0, pos) + ch + id.slice(pos + 1);
          expect(isValidCitizenId(mutated, today), mutated).toBe(false);
          substitutions++;
        }
      }
    }
    expect(substitutions).toBe(300 * (17 * 9 + 10));
  });
});

describe('upgradeLegacyCitizenId', () => {
  it('inserts 19 and appends the check char', () => {
    expect(upgradeLegacyCitizenId('110105491231002')).toBe('11010519491231002X');
  });
  it('produces valid IDs from generated legacy numbers', () => {
    const rand = mulberry32(15);
    for (let n = 0; n < 200; n++) {
      const id18 = generateId(rand);
      if (!id18.slice(6, 8).startsWith('19')) continue;
      const legacy = id18.slice(0, 6) + id18.slice(8, 17);
      expect(upgradeLegacyCitizenId(legacy)).toBe(id18);
    }
  });
  it('returns null for malformed input or an impossible date', () => {
    expect(upgradeLegacyCitizenId('11010549123100')).toBeNull();
    expect(upgradeLegacyCitizenId('11010549123100A')).toBeNull();
    expect(upgradeLegacyCitizenId('110105491331002')).toBeNull();
  });
});

describe('birthDateFromCitizenId and genderFromCitizenId', () => {
  it('reads the birth date', () => {
    expect(birthDateFromCitizenId('11010519491231002X')).toBe('1949-12-31');
    expect(birthDateFromCitizenId('110105491231002')).toBe('1949-12-31');
    expect(birthDateFromCitizenId('11010519491331002X')).toBeNull();
    expect(birthDateFromCitizenId('abc')).toBeNull();
  });
  it('reads the gender from the 17th digit', () => {
    expect(genderFromCitizenId('11010519491231002X')).toBe('F');
    expect(genderFromCitizenId('110105194912310012')).toBe('M');
    expect(genderFromCitizenId('110105491231001')).toBe('M');
    expect(genderFromCitizenId('110105491231002')).toBe('F');
    expect(genderFromCitizenId('1101051949')).toBeNull();
  });
});
