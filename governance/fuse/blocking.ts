// Blocking: only records that share a blocking key are compared. Each rule gives a record one key (or
// none); a pair two rules would both propose is compared once, under the first rule that proposes it.
// Keys are 53-bit hashes of their parts, not strings: millions of records cost no key strings, and a
// rare collision only proposes one more pair, which the comparison then judges.
import { hashKeyParts } from '../rules/key-hash.ts';
import type { Features } from './features.ts';

export interface BlockingRule {
  name: string;
  /** Writes the key's parts into `out` (its length is the number of parts); false when the record has no key. */
  parts(f: Features, r: number, out: (string | null)[]): boolean;
}

function surname(name: string): string {
  return name.codePointAt(0)! > 0xffff ? name.slice(0, 2) : name.slice(0, 1);
}

function given(name: string): string {
  return name.slice(surname(name).length);
}

function set(out: (string | null)[], a: string | null | undefined, b?: string | null): boolean {
  out[0] = a ?? null;
  out[1] = b ?? '';
  return Boolean(a) && b !== null && b !== '';
}

/** The default rules: strong keys first, then the combinations a record missing or mistyping one of them still shares. */
export const DEFAULT_BLOCKING: readonly BlockingRule[] = [
  { name: 'id', parts: (f, r, out) => set(out, f.idStem[r], 'id') },
  { name: 'phone', parts: (f, r, out) => set(out, f.phone[r], 'phone') },
  { name: 'birth+name-pinyin', parts: (f, r, out) => set(out, f.birth[r], f.namePinyin[r]) },
  { name: 'birth+surname', parts: (f, r, out) => set(out, f.birth[r], f.name[r] ? surname(f.name[r]!) : null) },
  { name: 'birth+given', parts: (f, r, out) => set(out, f.birth[r], f.name[r] && f.name[r]!.length > 1 ? `~${given(f.name[r]!)}` : null) },
  { name: 'birth+door', parts: (f, r, out) => set(out, f.birth[r], f.address[r]?.door ?? null) },
  { name: 'name+door', parts: (f, r, out) => set(out, f.name[r], f.address[r]?.door ?? null) },
  { name: 'name+person', parts: (f, r, out) => set(out, f.entity === 'enterprise' ? f.name[r] : null, f.person[r] ?? null) },
];

export interface BlockingStats {
  rule: string;
  blocks: number;
  /** Pairs this rule proposed that no earlier rule had. */
  pairs: number;
  /** Blocks larger than the cap, not compared (their records may still meet under other rules). */
  skippedBlocks: number;
  skippedRecords: number;
}

const TWO_PARTS = [0, 1];

/**
 * Records grouped by key without a Map entry or array per key: an open-addressing table of typed
 * arrays, each block a linked list in record order. Blocks come out in the order their second record
 * arrived (when the earlier Map made a key's block), so pairs, ties and new ids are as before.
 */
class KeyTable {
  private readonly capacity: number;
  private readonly keyAt: Float64Array;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  readonly count: Int32Array;
  readonly next: Int32Array;
  /** Slots of keys two or more records share, in the order their second record arrived. */
  readonly slots: Int32Array;
  blocks = 0;
  /** Every slot in use, to clear. */
  private readonly used: Int32Array;
  private usedCount = 0;

  constructor(records: number) {
    let capacity = 1024;
    while (capacity < records * 2) capacity *= 2;
    this.capacity = capacity;
    this.keyAt = new Float64Array(capacity);
    this.head = new Int32Array(capacity);
    this.tail = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.next = new Int32Array(records);
    this.slots = new Int32Array(Math.max(1, records));
    this.used = new Int32Array(Math.max(1, records));
  }

  clear(): void {
    for (let u = 0; u < this.usedCount; u++) this.count[this.used[u]!] = 0;
    this.usedCount = 0;
    this.blocks = 0;
  }

  add(key: number, mix: number, r: number): void {
    const mask = this.capacity - 1;
    let slot = mix & mask;
    while (this.count[slot]! > 0 && this.keyAt[slot] !== key) slot = (slot + 1) & mask;
    this.next[r] = -1;
    if (this.count[slot] === 0) {
      this.keyAt[slot] = key;
      this.head[slot] = r;
      this.used[this.usedCount++] = slot;
    } else this.next[this.tail[slot]!] = r;
    this.tail[slot] = r;
    if (++this.count[slot]! === 2) this.slots[this.blocks++] = slot;
  }

  keyOf(slot: number): number {
    return this.keyAt[slot]!;
  }

  /** The block's records, in record order, into `out` (grown as needed); returns it. */
  members(slot: number, out: number[]): number[] {
    out.length = 0;
    for (let r = this.head[slot]!; r >= 0; r = this.next[r]!) out.push(r);
    return out;
  }
}

/**
 * Calls `visit(i, j, rule)` for every candidate pair (i < j) once. Blocks of more than `maxBlock`
 * records are skipped and counted: a key that common says little (a shared switchboard number).
 */
export function forEachCandidatePair(
  f: Features,
  rules: readonly BlockingRule[],
  maxBlock: number,
  visit: (i: number, j: number, rule: number) => void,
): BlockingStats[] {
  // Record-major (keys[r * rules + k]): checking a pair against the earlier rules reads two short runs, not two values per rule far apart.
  const R = rules.length;
  const keys = new Float64Array(f.size * R).fill(Number.NaN);
  const skipped: Set<number>[] = rules.map(() => new Set());
  const parts: (string | null)[] = [null, null];
  const hash = new Uint32Array(2);
  const stats: BlockingStats[] = [];
  const table = new KeyTable(f.size);
  const block: number[] = [];
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    table.clear();
    for (let r = 0; r < f.size; r++) {
      if (!rule.parts(f, r, parts) || !hashKeyParts(parts, TWO_PARTS, hash)) continue;
      const key = hash[0]! * 2 ** 21 + (hash[1]! >>> 11);
      keys[r * R + k] = key;
      table.add(key, hash[0]!, r);
    }
    const s: BlockingStats = { rule: rule.name, blocks: 0, pairs: 0, skippedBlocks: 0, skippedRecords: 0 };
    for (let u = 0; u < table.blocks; u++) {
      const slot = table.slots[u]!;
      const size = table.count[slot]!;
      if (size > maxBlock) {
        s.skippedBlocks++;
        s.skippedRecords += size;
        skipped[k]!.add(table.keyOf(slot));
        continue;
      }
      s.blocks++;
      table.members(slot, block);
      for (let a = 0; a < block.length; a++) {
        const i = block[a]!;
        for (let b = a + 1; b < block.length; b++) {
          const j = block[b]!;
          if (k && seenEarlier(keys, R, skipped, k, i, j)) continue;
          s.pairs++;
          visit(i, j, k);
        }
      }
    }
    stats.push(s);
  }
  return stats;
}

/** Whether an earlier rule compared i and j already (a block it skipped compared nothing). */
function seenEarlier(keys: Float64Array, R: number, skipped: Set<number>[], k: number, i: number, j: number): boolean {
  const a = i * R;
  const b = j * R;
  for (let m = 0; m < k; m++) {
    const key = keys[a + m]!;
    if (key === keys[b + m] && !Number.isNaN(key) && !skipped[m]!.has(key)) return true;
  }
  return false;
}
