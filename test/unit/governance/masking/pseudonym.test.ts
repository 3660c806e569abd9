import { createSecretKey, getHashes, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  algorithmAvailable,
  canonicalText,
  keyFingerprint,
  type MaskingKey,
  preferredAlgorithm,
  pseudonym,
  pseudonymiser,
  TOKEN_HASH_CHARS,
} from '../../../../governance/masking/pseudonym.ts';
import type { PseudonymAlgorithm } from '../../../../schemas/masking.ts';

const SECRET = 'dataops-test-secret-0123456789abcdef';
const key = (version: string, secret: string | Buffer = SECRET, algorithm: PseudonymAlgorithm = 'hmac-sm3'): MaskingKey => ({
  version,
  algorithm,
  secret: createSecretKey(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret),
});
const TOKEN = new RegExp(`^v1_[0-9a-hjkmnp-tv-z]{${TOKEN_HASH_CHARS}}$`);

describe('runtime', () => {
  it('has SM3 on this machine (Node on OpenSSL), and prefers it', () => {
    expect(algorithmAvailable('hmac-sm3')).toBe(getHashes().includes('sm3'));
    expect(algorithmAvailable('hmac-sha256')).toBe(true);
    expect(preferredAlgorithm()).toBe(getHashes().includes('sm3') ? 'hmac-sm3' : 'hmac-sha256');
  });
});

describe('pseudonym', () => {
  it('is <version>_<20 Crockford base32 chars of the HMAC>', () => {
    // openssl dgst -sm3 -hmac <secret> gives daba7234e9c99095617fd4d4…; -sha256 gives 7817c8aaefc2ed006a61…
    expect(pseudonym('310112199001011234', key('v1'))).toBe('v1_vax74d79s689arbztkad');
    expect(pseudonym('310112199001011234', key('v1', SECRET, 'hmac-sha256'))).toBe('v1_f0bwhaqfrbpg0tk11gst');
    expect(pseudonym('anything', key('v1'))).toMatch(TOKEN);
  });

  it('keeps null, empty and blank values as they are', () => {
    expect(pseudonym(null, key('v1'))).toBeNull();
    expect(pseudonym('', key('v1'))).toBe('');
    expect(pseudonym(' \u3000', key('v1'))).toBe(' \u3000');
  });

  it('gives one value written several ways one pseudonym, so masked keys join', () => {
    const k = key('v1');
    const same = (as: Parameters<typeof pseudonym>[2], ...forms: string[]) => {
      const tokens = new Set(forms.map((f) => pseudonym(f, k, as)));
      expect(tokens.size).toBe(1);
    };
    same('citizen_id', '31011219900101123X', '31011219900101123x', '３１０１１２１９９００１０１１２３Ｘ', ' 310112 19900101 123X ');
    same('citizen_id', '310112900101123', '310112199001011233');
    same('mobile', '13812345678', '+86 138-1234-5678', '0086 13812345678', '（＋８６）１３８１２３４５６７８');
    same('email', 'ZhangSan@Example.CN', ' zhangsan@example.cn');
    same('name', '张三', '张 三', '\u3000张三');
    same('bank_card', '6222021234567890123', '6222 0212 3456 7890 123');
    same('plate', '沪A12345', '沪a·12345');
    same('credit_code', '91310112MA1GB1234X', '91310112ma1gb1234x');
    same('text', 'abc', ' abc ', 'ａｂｃ');
    // Different values stay apart, and the canonical forms are what the docs say.
    expect(pseudonym('13812345678', k, 'mobile')).not.toBe(pseudonym('13812345679', k, 'mobile'));
    expect(canonicalText('+86 138-1234-5678', 'mobile')).toBe('13812345678');
    expect(canonicalText('310112900101123', 'citizen_id')).toBe('310112199001011233');
    expect(canonicalText('John   Smith', 'name')).toBe('John Smith');
  });

  it('is stable per key version and differs across versions, over many values', () => {
    const v1 = key('v1', randomBytes(32));
    const v1Again = { ...v1, secret: createSecretKey(v1.secret.export()) };
    const v2 = key('v2', randomBytes(32));
    const v1Sha = { ...v1, algorithm: 'hmac-sha256' as const };
    const hash = (t: string | null) => t!.slice(t!.indexOf('_') + 1);
    for (let i = 0; i < 10_000; i++) {
      const value = randomBytes(1 + (i % 24)).toString('base64');
      const a = pseudonym(value, v1)!;
      expect(pseudonym(value, v1Again)).toBe(a);
      expect(pseudonym(value, v1)).toBe(a);
      const b = pseudonym(value, v2)!;
      expect(b.startsWith('v2_')).toBe(true);
      expect(hash(b)).not.toBe(hash(a));
      expect(hash(pseudonym(value, v1Sha))).not.toBe(hash(a));
    }
  });

  it('has no collision among 100,000 distinct values at 20 characters', () => {
    const mask = pseudonymiser(key('v1', randomBytes(32)));
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(mask(`3101121990${String(i).padStart(8, '0')}`)!);
    expect(seen.size).toBe(100_000);
  });

  it('refuses an algorithm this runtime lacks instead of falling back', () => {
    const missing = { ...key('v1'), algorithm: 'hmac-gost' as PseudonymAlgorithm };
    expect(() => pseudonymiser(missing)).toThrow(/uses hmac-gost, which this Node runtime .* lacks; refusing rather than falling back/);
    expect(() => pseudonym('x', missing)).toThrow(/refusing/);
    expect(() => keyFingerprint(missing)).toThrow(/refusing/);
  });

  it('never shows the secret when a key is printed or serialised', () => {
    const k = key('v1');
    for (const shown of [JSON.stringify(k), inspect(k, { depth: 5 }), String(k.secret)]) {
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain(Buffer.from(SECRET).toString('hex'));
      expect(shown).not.toContain(Buffer.from(SECRET).toString('base64'));
    }
  });

  it('fingerprints a key by secret and algorithm, without revealing it', () => {
    const fp = keyFingerprint(key('v1'));
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(keyFingerprint(key('v1'))).toBe(fp);
    expect(keyFingerprint(key('v1', SECRET, 'hmac-sha256'))).not.toBe(fp);
    expect(keyFingerprint(key('v1', `${SECRET}!`))).not.toBe(fp);
  });
});
