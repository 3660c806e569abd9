// Property tests: masked citizen IDs never show the birth date unless the pattern keeps those positions.
import { describe, expect, it } from 'vitest';
import { citizenId } from '../../../../governance/masking/masks.ts';
import { citizenIdCheckChar, isValidCitizenId } from '../../../../governance/semantic/citizen-id.ts';
import { toFullWidth } from '../../../../samples/generator/text.ts';

/** xorshift32, seeded: the same IDs on every run. */
function rand(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return Math.floor((s / 4294967296) * n);
  };
}

const PROVINCES = ['11', '12', '13', '31', '32', '33', '44', '50', '51', '65', '71', '81', '82'];
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A valid 18-character ID (check char by the GB 11643 formula) and its 8 birth-date digits. */
function validId(int: (n: number) => number, legacy = false): { id: string; birth: string } {
  for (;;) {
    const year = legacy ? 1900 + int(100) : 1900 + int(125);
    const month = 1 + int(12);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const day = 1 + int(month === 2 && !leap ? 28 : DAYS[month - 1]!);
    const birth = `${year}${pad(month, 2)}${pad(day, 2)}`;
    const first17 = `${PROVINCES[int(PROVINCES.length)]}${pad(int(10_000), 4)}${birth}${pad(int(1000), 3)}`;
    const id = first17 + citizenIdCheckChar(first17);
    if (isValidCitizenId(id)) return { id, birth };
  }
}

const CASES = 5000;

describe('citizenId masking (property)', () => {
  it('the default pattern (6 + 4) never shows a birth-date digit', () => {
    const int = rand(20261201);
    let withX = 0;
    for (let i = 0; i < CASES; i++) {
      const { id, birth } = validId(int);
      if (id.endsWith('X')) withX++;
      const masked = citizenId(id)!;
      expect(masked).toHaveLength(18);
      expect(masked.slice(6, 14)).toBe('********');
      expect(masked.slice(0, 6)).toBe(id.slice(0, 6));
      expect(masked.slice(14)).toBe(id.slice(14));
      expect(masked).not.toContain(birth);
    }
    expect(withX).toBeGreaterThan(0); // the generator reaches the X check char
  });

  it('a random pattern shows a birth-date position exactly when it keeps it', () => {
    const int = rand(7);
    for (let i = 0; i < CASES; i++) {
      const { id } = validId(int);
      const first = int(18);
      const last = int(18 - first); // first + last < 18: the pattern hides something
      const masked = citizenId(id, first, last)!;
      for (let p = 0; p < 18; p++) {
        const kept = p < first || p >= 18 - last;
        expect(masked[p]).toBe(kept ? id[p] : '*');
      }
    }
  });

  it('holds for full-width, spaced, lower-case-x and 15-digit legacy forms', () => {
    const int = rand(99);
    for (let i = 0; i < CASES / 5; i++) {
      const { id, birth } = validId(int);
      for (const form of [toFullWidth(id), `${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`, id.replace('X', 'x')]) {
        const masked = citizenId(form)!;
        expect(masked).toBe(citizenId(id));
        expect(masked).not.toContain(birth);
      }
      const legacy = validId(int, true);
      const id15 = legacy.id.slice(0, 6) + legacy.id.slice(8, 17);
      const masked15 = citizenId(id15)!;
      expect(masked15).toBe(citizenId(legacy.id));
      expect(masked15.slice(6, 14)).toBe('********'); // 19yymmdd after the upgrade
    }
  });

  it('never shows 8 birth-date digits of a value that is not quite an ID either', () => {
    const int = rand(4242);
    for (let i = 0; i < CASES / 5; i++) {
      const { id, birth } = validId(int);
      for (const broken of [id.slice(0, 17), `${id}9`, `${id.slice(0, 17)}Y`, `A${id.slice(1)}`]) expect(citizenId(broken)).not.toContain(birth);
    }
  });
});
