// Issues unified social credit codes (GB 32100) that are valid and never repeat.
//
// Layout: '9' (registered by market regulation) '1' (enterprise), 6-digit division code, 9-character
// organisation code whose last char is its own GB 11714 check, then the GB 32100 check char.
// Organisation codes come from affine permutations of a counter, so they are unique without a lookup set.

import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../../governance/semantic/credit-code.ts';
import type { Prng } from './prng.ts';

/** `new`: bodies like MA1XXXXX (issued since 2015); `old`: the 8-digit organisation codes of older firms. */
export type CreditCodeStyle = 'new' | 'old';

const NEW_SPACE = 31 ** 5;
const NEW_MULTIPLIER = 1_000_003; // not a multiple of 31
const OLD_SPACE = 100_000_000;
const OLD_MULTIPLIER = 7_368_787; // odd and not a multiple of 5
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/** GB 11714 value of a character: digits 0-9, letters A=10 .. Z=35. */
function orgValue(ch: string): number {
  const c = ch.charCodeAt(0);
  return c <= 57 ? c - 48 : c - 55;
}

/** GB 11714 check char for an 8-character organisation code body. */
function orgCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += orgValue(body[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export class CreditCodeIssuer {
  private newCount = 0;
  private oldCount = 0;
  private readonly newOffset: number;
  private readonly oldOffset: number;

  constructor(rng: Prng) {
    this.newOffset = rng.int(0, NEW_SPACE - 1);
    this.oldOffset = rng.int(0, OLD_SPACE - 1);
  }

  issue(style: CreditCodeStyle, division: string): string {
    let body: string;
    if (style === 'new') {
      if (this.newCount >= NEW_SPACE) throw new Error('new-style organisation codes exhausted');
      let n = (this.newOffset + this.newCount++ * NEW_MULTIPLIER) % NEW_SPACE;
      let tail = '';
      for (let i = 0; i < 5; i++) {
        tail = CREDIT_CODE_ALPHABET[n % 31]! + tail;
        n = Math.floor(n / 31);
      }
      body = `MA1${tail}`;
    } else {
      if (this.oldCount >= OLD_SPACE) throw new Error('old-style organisation codes exhausted');
      const n = (this.oldOffset + this.oldCount++ * OLD_MULTIPLIER) % OLD_SPACE;
      body = String(n).padStart(8, '0');
    }
    const first17 = `91${division}${body}${orgCheckChar(body)}`;
    return first17 + creditCodeCheckChar(first17);
  }
}

/** The same code with a different, still well-formed, check char. */
export function withWrongCheck(code: string, rng: Prng): string {
  const right = code[17]!;
  const others = [...CREDIT_CODE_ALPHABET].filter((c) => c !== right);
  return code.slice(0, 17) + rng.pick(others);
}
