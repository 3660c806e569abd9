// 64 bits of key identity from two independent 32-bit hashes over the key's parts, without building the
// concatenated key string. At 10 million distinct keys the chance of any collision is about 3 in a million.

function fmix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Hashes `row[indexes[0]]`, `row[indexes[1]]`, ... into `out[0]` and `out[1]`. Part lengths are mixed in,
 * so ('ab', 'c') and ('a', 'bc') differ. Returns false (and leaves `out` alone) when a part is null.
 */
export function hashKeyParts(row: readonly (string | null)[], indexes: readonly number[], out: Uint32Array): boolean {
  // Two murmur-style accumulators with different seeds, rotations and multipliers, fed the same 32-bit
  // blocks (two UTF-16 units each).
  let a = 0x9747b28c;
  let b = 0x3c6ef372;
  for (let p = 0; p < indexes.length; p++) {
    const part = row[indexes[p]!];
    if (part === null || part === undefined) return false;
    const len = part.length;
    for (let i = 0; i < len; i += 2) {
      const block = part.charCodeAt(i) | (i + 1 < len ? part.charCodeAt(i + 1) << 16 : 0);
      let k = Math.imul(block, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      a ^= k;
      a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
      let j = Math.imul(block, 0x85ebca77);
      j = Math.imul((j << 17) | (j >>> 15), 0xc2b2ae3d);
      b ^= j;
      b = (Math.imul((b << 11) | (b >>> 21), 9) + 0x27d4eb2f) | 0;
    }
    // The length ends each part, so ('ab', 'c') and ('a', 'bc') differ, as do 'a' and 'a\0'.
    a = Math.imul(a ^ len, 0x9e3779b1);
    b = Math.imul(b ^ len, 0x165667b1);
  }
  out[0] = fmix(a ^ indexes.length);
  out[1] = fmix(b + 0x61c88647);
  return true;
}
