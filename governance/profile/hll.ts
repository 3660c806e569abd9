// HyperLogLog distinct-count sketch, precision 12 (4096 registers, ~1.6% standard error).

const P = 12;
const M = 1 << P;
const Q = 32 - P; // hash bits left for the rank; register values run 0..Q+1
const ALPHA_INF = 1 / (2 * Math.LN2);
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/**
 * MurmurHash3 (x86, 32-bit, seed 0) over the UTF-16 code units taken two at a time, i.e. over the
 * string's UTF-16LE bytes. Taking pairs halves the serial multiply chain of a per-unit hash such as
 * FNV-1a, which matters at one hash per cell.
 */
export function hashString(value: string): number {
  const len = value.length;
  let h = 0;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    let k = value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < len) {
    let k = value.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= len * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// sigma and tau from Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017):
// its improved raw estimator is unbiased from tiny to saturated sketches without empirical tables.
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let prev: number;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z !== prev);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let prev: number;
  do {
    x = Math.sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (z !== prev);
  return z / 3;
}

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    if (registers && registers.length !== M) throw new RangeError(`HyperLogLog expects ${M} registers`);
    this.registers = registers ?? new Uint8Array(M);
  }

  add(value: string): void {
    this.addHash(hashString(value));
  }

  addHash(hash: number): void {
    const index = hash >>> Q;
    // The sentinel bit caps the rank at Q + 1 when the low Q bits are all zero.
    const rank = Math.clz32((hash << P) | (1 << (P - 1))) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  estimate(): number {
    const counts = new Array<number>(Q + 2).fill(0);
    for (let i = 0; i < M; i++) counts[this.registers[i]!]!++;
    if (counts[0] === M) return 0;
    let z = M * tau(1 - counts[Q + 1]! / M);
    for (let k = Q; k >= 1; k--) z = 0.5 * (z + counts[k]!);
    z += M * sigma(counts[0]! / M);
    return (ALPHA_INF * M * M) / z;
  }

  merge(other: HyperLogLog): void {
    const mine = this.registers;
    const theirs = other.registers;
    for (let i = 0; i < M; i++) if (theirs[i]! > mine[i]!) mine[i] = theirs[i]!;
  }

  /**
   * Registers never exceed 21, so each one is written as a single base64 digit: the result is the
   * standard base64 text of the registers packed at 6 bits each (4096 characters).
   */
  toBase64(): string {
    const parts: string[] = [];
    for (let i = 0; i < M; i += 1024) {
      let s = '';
      for (let j = i; j < i + 1024; j++) s += B64[this.registers[j]!];
      parts.push(s);
    }
    return parts.join('');
  }

  static fromBase64(text: string): HyperLogLog {
    if (text.length !== M) throw new RangeError(`HyperLogLog.fromBase64 expects ${M} characters`);
    const registers = new Uint8Array(M);
    for (let i = 0; i < M; i++) {
      const c = text.charCodeAt(i);
      const v = c < 128 ? B64_VALUE[c]! : -1;
      if (v < 0 || v > Q + 1) throw new RangeError(`HyperLogLog.fromBase64: bad register at ${i}`);
      registers[i] = v;
    }
    return new HyperLogLog(registers);
  }
}
