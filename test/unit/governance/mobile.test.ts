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
  ])('%s -> %s', (raw, expected) => {
    expect(normaliseMobile(raw)).toBe(expected);
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
});
