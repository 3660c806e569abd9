// Deterministic pseudonyms: a keyed hash of a value's canonical text, so that a masked key still joins
// across tables and runs (same value, same key version: same token) without being reversible by anyone
// who lacks the key. The key itself is looked up outside governance/ (config/masking-keys.ts).
import { createHmac, getHashes, type KeyObject } from 'node:crypto';
import type { PseudonymAlgorithm, PseudonymInput } from '../../schemas/masking.ts';
import { creditCode, citizenId, fullwidthToHalfwidth, removeSpaces, trim } from '../rules/normalisers.ts';
import { cjkLength } from '../semantic/cjk.ts';
import { normaliseMobile } from '../semantic/mobile.ts';
import { asText } from './text.ts';

/** A resolved key version. The secret is a KeyObject: it prints and serialises as nothing. */
export interface MaskingKey {
  readonly version: string;
  readonly algorithm: PseudonymAlgorithm;
  readonly secret: KeyObject;
}

/** The OpenSSL digest behind each algorithm. */
export const DIGESTS = { 'hmac-sm3': 'sm3', 'hmac-sha256': 'sha256' } as const satisfies Record<PseudonymAlgorithm, string>;

/** Base32 characters of a token: 20 × 5 = 100 bits of the MAC (a collision among 10^9 values: about 4 in 10^13). */
export const TOKEN_HASH_CHARS = 20;
// Crockford's alphabet in lower case: no i, l, o or u to misread.
const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

let hashes: Set<string> | undefined;

/** Whether this runtime's OpenSSL offers the algorithm's digest (BoringSSL builds of Node lack sm3). */
export function algorithmAvailable(algorithm: PseudonymAlgorithm): boolean {
  hashes ??= new Set(getHashes());
  return hashes.has(DIGESTS[algorithm]);
}

/** The algorithm a new key version should name on this runtime: HMAC-SM3 where there is SM3. */
export function preferredAlgorithm(): PseudonymAlgorithm {
  return algorithmAvailable('hmac-sm3') ? 'hmac-sm3' : 'hmac-sha256';
}

function base32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; out.length < chars; ) {
    if (bits < 5) {
      buffer = ((buffer << 8) | bytes[i++]!) & 0xffff;
      bits += 8;
    }
    bits -= 5;
    out += BASE32[(buffer >>> bits) & 31];
  }
  return out;
}

/**
 * The text that is hashed: one form per value however it was written. citizen_id: half-width, no
 * spaces, upper-case X, a 15-digit number upgraded to 18; mobile: the national 11 digits (no +86,
 * spaces or dashes); email: lower case; name: no spaces between ideographs (Latin names: single
 * spaces); bank_card: digits only; plate: upper case without separators; credit_code: upper case;
 * text: half-width, trimmed, inner white space as single spaces.
 */
export function canonicalText(value: string, as: PseudonymInput = 'text'): string {
  const half = trim(fullwidthToHalfwidth(value))!;
  switch (as) {
    case 'citizen_id':
      return citizenId(half)!;
    case 'mobile':
      return normaliseMobile(half);
    case 'email':
      return removeSpaces(half)!.toLowerCase();
    case 'name': {
      const spaceless = removeSpaces(half)!;
      return cjkLength(spaceless) > 0 ? spaceless : half;
    }
    case 'bank_card':
      return removeSpaces(half)!.replace(/-/g, '');
    case 'plate':
      return removeSpaces(half)!
        .replace(/[·•・.\-_]/g, '')
        .toUpperCase();
    case 'credit_code':
      return creditCode(half)!;
    default:
      return half;
  }
}

function refuseUnavailable(key: MaskingKey): void {
  if (!algorithmAvailable(key.algorithm))
    throw new Error(
      `masking key ${key.version} uses ${key.algorithm}, which this Node runtime (OpenSSL ${process.versions.openssl ?? 'unknown'}) lacks; ` +
        'refusing rather than falling back, which would give the same values other pseudonyms',
    );
}

/**
 * `<version>_<20 base32 chars of HMAC(secret, canonical text)>`, e.g. `v1_3k9vq0m2x7c4hs8d1rtn`. Null
 * stays null and a blank value stays as it is. Throws only when the key's algorithm is unavailable.
 */
export function pseudonym(value: unknown, key: MaskingKey, as: PseudonymInput = 'text'): string | null {
  refuseUnavailable(key);
  return pseudonymOf(value, key, as);
}

function pseudonymOf(value: unknown, key: MaskingKey, as: PseudonymInput): string | null {
  const s = asText(value);
  if (s === null) return null;
  const canonical = canonicalText(s, as);
  if (canonical === '') return s;
  const mac = createHmac(DIGESTS[key.algorithm], key.secret).update(canonical, 'utf8').digest();
  return `${key.version}_${base32(mac, TOKEN_HASH_CHARS)}`;
}

/** A pseudonymiser for one column: the algorithm is checked once, here. */
export function pseudonymiser(key: MaskingKey, as: PseudonymInput = 'text'): (value: unknown) => string | null {
  refuseUnavailable(key);
  return (value) => pseudonymOf(value, key, as);
}

/**
 * A short, safe-to-record check value of a key (its MAC of a fixed text): recorded with each output
 * beside the version and algorithm, it shows whether two outputs of "v1" really used one secret and one
 * algorithm, without revealing either.
 */
export function keyFingerprint(key: MaskingKey): string {
  refuseUnavailable(key);
  return createHmac(DIGESTS[key.algorithm], key.secret).update('dataops masking key check', 'utf8').digest('hex').slice(0, 16);
}
