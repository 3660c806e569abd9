import { describe, expect, it } from 'vitest';
import { isValidMobile, normaliseMobile } from '../../../governance/semantic/mobile.ts';

describe('normaliseMobile', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['0086-138-1234-5678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['\u3000138\u30001234\u30005678', '13812345678'],
    // Forms found in department files.
    ['(+86)13812345678', '13812345678'],
    ['（+86）13812345678', '13812345678'],
    ['（＋８６）１３８１２３４５６７８', '13812345678'],
    ['(+86) 138-1234-5678', '13812345678'],
    ['(0086)13812345678', '13812345678'],
    ['(86)13812345678', '13812345678'],
    ['+86-138-1234-5678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['138.1234.5678', '13812345678'],
    ['１３８．１２３４．５６７８', '13812345678'],
    ['+86 138.1234.5678', '13812345678'],
    ['0086-13812345678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['１３８－１２３４－５６７８', '13812345678'],
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseMobile(raw)).toBe(expected);
  });

  it('returns a bare number itself', () => {
    const bare = '13812345678';
    expect(normaliseMobile(bare)).toBe(bare);
  });

  it('keeps a country code that is not followed by exactly 11 digits', () => {
    expect(normaliseMobile('86123')).toBe('86123');
    expect(normaliseMobile('+86 21 6488 1234')).toBe('+862164881234');
  });
});

describe('isValidMobile', () => {
  it('accepts numbers with prefixes 13-19 after normalising', () => {
    for (const v of ['13012345678', '15912345678', '19987654321', '+86 177-0000-1111', '0086 16612345678']) {
      expect(isValidMobile(v), v).toBe(true);
    }
  });
  it('rejects landlines, short numbers, bad prefixes and letters', () => {
    for (const v of ['12012345678', '10012345678', '1381234567', '138123456789', '021-64881234', '1381234567a', '', '+1 13812345678']) {
      expect(isValidMobile(v), v).toBe(false);
    }
  });
  it('accepts the department-file forms', () => {
    for (const v of [
      '(+86)13812345678',
      '（+86）13812345678',
      '+86-138-1234-5678',
      '+86 138 1234 5678',
      '138.1234.5678',
      '0086-13812345678',
      '１３８１２３４５６７８',
    ]) {
      expect(isValidMobile(v), v).toBe(true);
    }
  });
  it('reads dots and parentheses only where a phone number has them', () => {
    for (const v of [
      // Landlines, with or without a bracketed area code, and a 10-digit number however it is written.
      '021-64123456',
      '(021)64123456',
      '（021）64123456',
      '1381234567',
      '138.1234.567',
      '１３８１２３４５６７',
      // Spreadsheet decimals: the dot is a decimal point, not a separator.
      '1381234567.8',
      '13812345678.0',
      '13.81234.5678',
      '138..1234.5678',
      '138.1234-5678',
      // Parentheses around anything but a leading country code.
      '(138)12345678',
      '138(1234)5678',
      '(+1)13812345678',
      '(+86 138)12345678',
      '+86(13812345678)',
      // Letters, and a country code with too few or too many digits after it.
      '138-1234-567a',
      'tel 13812345678',
      '+86 138 1234 567',
      '+86 138 1234 56789',
    ]) {
      expect(isValidMobile(v), v).toBe(false);
    }
  });
});
