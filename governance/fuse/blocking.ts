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
 * Calls `visit(i, j, rule)` for every candidate pair (i < j) once. Blocks of more than `maxBlock`
 * records are skipped and counted: a key that common says little (a shared switchboard number).
 */
export function forEachCandidatePair(
  f: Features,
  rules: readonly BlockingRule[],
  maxBlock: number,
  visit: (i: number, j: number, rule: number) => void,
): BlockingStats[] {
  const keys: Float64Array[] = rules.map(() => new Float64Array(f.size).fill(Number.NaN));
  const skipped: Set<number>[] = rules.map(() => new Set());
  const parts: (string | null)[] = [null, null];
  const hash = new Uint32Array(2);
  const stats: BlockingStats[] = [];
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    const mine = keys[k]!;
    // A key's first record until a second one shares it; only then does the key get a block array.
    const first = new Map<number, number>();
    const blocks = new Map<number, number[]>();
    for (let r = 0; r < f.size; r++) {
      if (!rule.parts(f, r, parts) || !hashKeyParts(parts, TWO_PARTS, hash)) continue;
      const key = hash[0]! * 2 ** 21 + (hash[1]! >>> 11);
      mine[r] = key;
      const block = blocks.get(key);
      if (block) block.push(r);
      else {
        const one = first.get(key);
        if (one === undefined) first.set(key, r);
        else blocks.set(key, [one, r]);
      }
    }
    const s: BlockingStats = { rule: rule.name, blocks: 0, pairs: 0, skippedBlocks: 0, skippedRecords: 0 };
    for (const [key, block] of blocks) {
      if (block.length > maxBlock) {
        s.skippedBlocks++;
        s.skippedRecords += block.length;
        skipped[k]!.add(key);
        continue;
      }
      s.blocks++;
      for (let a = 0; a < block.length; a++) {
        const i = block[a]!;
        for (let b = a + 1; b < block.length; b++) {
          const j = block[b]!;
          if (seenEarlier(keys, skipped, k, i, j)) continue;
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
function seenEarlier(keys: Float64Array[], skipped: Set<number>[], k: number, i: number, j: number): boolean {
  for (let m = 0; m < k; m++) {
    const a = keys[m]![i]!;
    if (a === keys[m]![j] && !Number.isNaN(a) && !skipped[m]!.has(a)) return true;
  }
  return false;
}
