// Property tests: generated valid numbers pass; a single substituted character fails the checksum.
import { describe, expect, it } from 'vitest';
import { citizenId, creditCode, fullwidthToHalfwidth, trim } from '../../../governance/rules/normalisers.ts';
import { organisationCodeCheckChar } from '../../../governance/rules/organisation-code.ts';
import { citizenIdValidator, creditCodeValidator, organisationCodeValidator } from '../../../governance/rules/validators.ts';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../../../governance/semantic/credit-code.ts';
import { toFullWidth } from '../../../samples/generator/text.ts';

/** xorshift32: small, seeded, good enough to drive generators. */
class Rand {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s >>> 0;
    return this.s / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick(chars: string): string {
    return chars[this.int(chars.length)]!;
  }
}

const CASES = 400;
const DIGITS = '0123456789';
const ORG_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const PROVINCES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '81',
  '82',
];
const pad = (n: number, w: number) => String(n).padStart(w, '0');

function citizenIdOf(rand: Rand): string {
  const year = 1900 + rand.int(126);
  const month = 1 + rand.int(12);
  const day = 1 + rand.int(new Date(Date.UTC(year, month, 0)).getUTCDate());
  const first17 = `${PROVINCES[rand.int(PROVINCES.length)]}${pad(rand.int(10_000), 4)}${year}${pad(month, 2)}${pad(day, 2)}${pad(rand.int(1000), 3)}`;
  return first17 + citizenIdCheckChar(first17);
}

function creditCodeOf(rand: Rand): string {
  let first17 = '';
  for (let i = 0; i < 17; i++) first17 += rand.pick(CREDIT_CODE_ALPHABET);
  return first17 + creditCodeCheckChar(first17);
}

function organisationCodeOf(rand: Rand): string {
  let body = '';
  for (let i = 0; i < 8; i++) body += rand.pick(ORG_CHARS);
  return body + organisationCodeCheckChar(body);
}

/** Every string that differs from `s` in exactly one position, the new character taken from `chars`. */
function* substitutions(s: string, chars: string): Generator<{ at: number; ch: string; value: string }> {
  for (let at = 0; at < s.length; at++) {
    for (const ch of chars) if (ch !== s[at]) yield { at, ch, value: s.slice(0, at) + ch + s.slice(at + 1) };
  }
}

describe('citizen IDs (GB 11643)', () => {
  const valid = citizenIdValidator('2026-11-01');
  it('generated valid IDs pass, and every single substitution fails', () => {
    const rand = new Rand(11643);
    let substituted = 0;
    const escaped: string[] = [];
    for (let n = 0; n < CASES; n++) {
      const id = citizenIdOf(rand);
      expect(valid(id), id).toBeNull();
      for (const { value } of substitutions(id, `${DIGITS}Xx`)) {
        substituted++;
        if (valid(value) === null) escaped.push(`${id} -> ${value}`);
      }
    }
    expect(escaped).toEqual([]);
    expect(substituted).toBe(CASES * 18 * 11);
  });

  it('the normaliser is idempotent and recovers the canonical form from lower-case, full-width and legacy forms', () => {
    const rand = new Rand(15);
    for (let n = 0; n < CASES; n++) {
      const id = citizenIdOf(rand);
      expect(citizenId(id)).toBe(id);
      expect(citizenId(toFullWidth(id.toLowerCase()))).toBe(id);
      if (id.slice(6, 8) === '19') expect(citizenId(id.slice(0, 6) + id.slice(8, 17))).toBe(id);
    }
  });
});

describe('unified social credit codes (GB 32100)', () => {
  const valid = creditCodeValidator();
  it('generated valid codes pass, and every single substitution fails', () => {
    const rand = new Rand(32100);
    const escaped: string[] = [];
    for (let n = 0; n < CASES; n++) {
      const code = creditCodeOf(rand);
      expect(valid(code), code).toBeNull();
      // The whole alphabet, plus the letters it leaves out and lower case.
      for (const { value } of substitutions(code, `${CREDIT_CODE_ALPHABET}IOSVZa`)) if (valid(value) === null) escaped.push(`${code} -> ${value}`);
    }
    expect(escaped).toEqual([]);
  });

  it('the normaliser recovers codes from lower-case and full-width forms', () => {
    const rand = new Rand(31);
    for (let n = 0; n < CASES; n++) {
      const code = creditCodeOf(rand);
      expect(creditCode(toFullWidth(code.toLowerCase()))).toBe(code);
    }
  });
});

describe('organisation codes (GB 11714)', () => {
  const valid = organisationCodeValidator();
  const value = (ch: string) => ORG_CHARS.indexOf(ch);

  it('generated valid codes pass, with and without the hyphen', () => {
    const rand = new Rand(11714);
    for (let n = 0; n < CASES; n++) {
      const code = organisationCodeOf(rand);
      expect(valid(code), code).toBeNull();
      expect(valid(`${code.slice(0, 8)}-${code[8]}`)).toBeNull();
    }
  });

  it('every digit-for-digit substitution and every check-char substitution fails', () => {
    const rand = new Rand(1997);
    const escaped: string[] = [];
    let tried = 0;
    for (let n = 0; n < CASES; n++) {
      const code = organisationCodeOf(rand);
      for (const { at, value: v } of substitutions(code, DIGITS)) {
        if (at < 8 && !DIGITS.includes(code[at]!)) continue;
        tried++;
        if (valid(v) === null) escaped.push(`${code} -> ${v}`);
      }
      for (const { value: v } of substitutions(code[8]!, `${DIGITS}X`)) if (valid(code.slice(0, 8) + v) === null) escaped.push(`${code} -> ${v}`);
    }
    expect(escaped).toEqual([]);
    expect(tried).toBeGreaterThan(CASES * 5);
  });

  it('a letter substitution escapes the check exactly when the values differ by a multiple of 11', () => {
    // Weights 3 7 9 10 5 8 4 2 are all invertible mod 11, but values run 0..35: 0/B/M/X, 1/C/N/Y, ... collide.
    const rand = new Rand(36);
    let escaped = 0;
    const wrong: string[] = [];
    for (let n = 0; n < CASES; n++) {
      const code = organisationCodeOf(rand);
      for (const { at, ch, value: v } of substitutions(code.slice(0, 8), ORG_CHARS)) {
        const candidate = v + code[8];
        const undetected = (value(ch) - value(code[at]!)) % 11 === 0;
        if ((valid(candidate) === null) !== undetected) wrong.push(`${code} -> ${candidate}`);
        if (undetected) escaped++;
      }
    }
    expect(wrong).toEqual([]);
    // About 2 in 35 letter substitutions per position go unnoticed.
    expect(escaped).toBeGreaterThan(0);
  });
});

describe('text normalisers', () => {
  it('full-width to half-width inverts the generator over printable ASCII', () => {
    const rand = new Rand(0xfee0);
    for (let n = 0; n < CASES; n++) {
      let s = '';
      for (let i = 0; i < 12; i++) s += String.fromCharCode(0x20 + rand.int(95));
      expect(fullwidthToHalfwidth(toFullWidth(s))).toBe(s);
    }
  });

  it('trim is idempotent and leaves no doubled or outer white space', () => {
    const rand = new Rand(7);
    const pieces = ['a', '闵', ' ', '\t', '\u3000', '\u00a0', 'b'];
    for (let n = 0; n < CASES; n++) {
      let s = '';
      for (let i = 0; i < 10; i++) s += pieces[rand.int(pieces.length)];
      const t = trim(s)!;
      expect(trim(t)).toBe(t);
      expect(t).toBe(s.trim().split(/\s+/).filter(Boolean).join(' '));
    }
  });
});
