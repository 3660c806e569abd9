// Blocking: only records that share a blocking key are compared. Each rule gives a record one key (or
// none); a pair two rules would both propose is compared once, under the first rule that proposes it.
import type { Features } from './features.ts';

export interface BlockingRule {
  name: string;
  key(f: Features, r: number): string | null;
}

function surname(name: string): string {
  return name.codePointAt(0)! > 0xffff ? name.slice(0, 2) : name.slice(0, 1);
}

function given(name: string): string {
  return name.slice(surname(name).length);
}

/** The default rules: strong keys first, then the combinations a record missing or mistyping one of them still shares. */
export const DEFAULT_BLOCKING: readonly BlockingRule[] = [
  { name: 'id', key: (f, r) => f.idStem[r] ?? null },
  { name: 'phone', key: (f, r) => f.phone[r] ?? null },
  { name: 'birth+name-pinyin', key: (f, r) => (f.birth[r] && f.namePinyin[r] ? `${f.birth[r]}|${f.namePinyin[r]}` : null) },
  { name: 'birth+surname', key: (f, r) => (f.birth[r] && f.name[r] ? `${f.birth[r]}|${surname(f.name[r]!)}` : null) },
  { name: 'birth+given', key: (f, r) => (f.birth[r] && f.name[r] && f.name[r]!.length > 1 ? `${f.birth[r]}|~${given(f.name[r]!)}` : null) },
  { name: 'birth+door', key: (f, r) => (f.birth[r] && f.address[r]?.door ? `${f.birth[r]}|${f.address[r]!.door}` : null) },
  { name: 'name+door', key: (f, r) => (f.name[r] && f.address[r]?.door ? `${f.name[r]}|${f.address[r]!.door}` : null) },
  { name: 'name+person', key: (f, r) => (f.entity === 'enterprise' && f.name[r] && f.person[r] ? `${f.name[r]}|${f.person[r]}` : null) },
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
  const keys: (string | null)[][] = rules.map(() => new Array(f.size));
  const skipped: Set<string>[] = rules.map(() => new Set());
  const stats: BlockingStats[] = [];
  for (let k = 0; k < rules.length; k++) {
    const rule = rules[k]!;
    const mine = keys[k]!;
    const blocks = new Map<string, number[]>();
    for (let r = 0; r < f.size; r++) {
      const key = rule.key(f, r);
      mine[r] = key;
      if (key === null) continue;
      const block = blocks.get(key);
      if (block) block.push(r);
      else blocks.set(key, [r]);
    }
    const s: BlockingStats = { rule: rule.name, blocks: 0, pairs: 0, skippedBlocks: 0, skippedRecords: 0 };
    for (const block of blocks.values()) {
      if (block.length < 2) continue;
      if (block.length > maxBlock) {
        s.skippedBlocks++;
        s.skippedRecords += block.length;
        skipped[k]!.add(mine[block[0]!]!);
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
function seenEarlier(keys: (string | null)[][], skipped: Set<string>[], k: number, i: number, j: number): boolean {
  for (let m = 0; m < k; m++) {
    const a = keys[m]![i];
    if (a != null && a === keys[m]![j] && !skipped[m]!.has(a)) return true;
  }
  return false;
}
