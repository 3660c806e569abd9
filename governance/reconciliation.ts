/**
 * Order-independent comparison of two copies of a table: each side reports, for a key range, its row
 * count and the sum of a hash of each row's canonical encoding (computed inside its own database).
 * The whole table is compared first; a range that differs is split until it is small, then compared
 * row by row, which names the keys that differ.
 */
export interface RangeDigest {
  rows: number;
  /** Sum of the rows' hashes, as exact decimal text. */
  sum: string;
}

export interface DigestSide {
  /** The smallest and greatest key (integer keys), or null for an empty table. */
  bounds(): Promise<{ lo: bigint; hi: bigint } | null>;
  /** Digests of `count` slices of [lo, hi] of `step` keys each (bucketOf), or of the whole table (lo = hi = null). */
  buckets(lo: bigint | null, hi: bigint | null, count: number): Promise<Map<number, RangeDigest>>;
  /** Each row's key and hash in [lo, hi]. */
  rows(lo: bigint | null, hi: bigint | null): Promise<Map<string, string>>;
}

export interface ReconciliationReport {
  /** Rows on each side. */
  sourceRows: number;
  targetRows: number;
  /** Range digests compared, and ranges that still differed when compared row by row. */
  ranges: number;
  differingRanges: number;
  /** The keys found to differ (at most `maxKeys`). */
  keys: { key: string; problem: 'missing in target' | 'not in source' | 'differs' }[];
}

/** Below this many rows a differing range is compared row by row. */
const ROW_COMPARE_BELOW = 2_000;
const SPLIT = 16;

export async function reconcile(source: DigestSide, target: DigestSide, integerKey: boolean, maxKeys = 20): Promise<ReconciliationReport> {
  let keyRange: { lo: bigint; hi: bigint } | null = null;
  if (integerKey) {
    const [a, b] = await Promise.all([source.bounds(), target.bounds()]);
    if (a || b) keyRange = { lo: a && b ? (a.lo < b.lo ? a.lo : b.lo) : (a ?? b)!.lo, hi: a && b ? (a.hi > b.hi ? a.hi : b.hi) : (a ?? b)!.hi };
  }
  const report: ReconciliationReport = { sourceRows: 0, targetRows: 0, ranges: 0, differingRanges: 0, keys: [] };
  const compareRows = async (lo: bigint | null, hi: bigint | null) => {
    report.differingRanges++;
    const [a, b] = await Promise.all([source.rows(lo, hi), target.rows(lo, hi)]);
    for (const [key, hash] of a) {
      if (report.keys.length >= maxKeys) return;
      const other = b.get(key);
      if (other === undefined) report.keys.push({ key, problem: 'missing in target' });
      else if (other !== hash) report.keys.push({ key, problem: 'differs' });
    }
    for (const key of b.keys()) {
      if (report.keys.length >= maxKeys) return;
      if (!a.has(key)) report.keys.push({ key, problem: 'not in source' });
    }
  };
  // Ranges that differ, split `count` ways, until small enough to compare row by row.
  const walk = async (lo: bigint | null, hi: bigint | null, count: number, top: boolean): Promise<void> => {
    // The whole table at the top: no key condition, so each side reads it in one plain scan.
    const [a, b] = await Promise.all([source.buckets(top ? null : lo, top ? null : hi, count), target.buckets(top ? null : lo, top ? null : hi, count)]);
    report.ranges += count;
    if (top) {
      for (const d of a.values()) report.sourceRows += d.rows;
      for (const d of b.values()) report.targetRows += d.rows;
    }
    for (let i = 0; i < count; i++) {
      const x = a.get(i) ?? { rows: 0, sum: '0' };
      const y = b.get(i) ?? { rows: 0, sum: '0' };
      if (x.rows === y.rows && x.sum === y.sum) continue;
      if (report.keys.length >= maxKeys) return;
      const slice = lo === null || hi === null ? null : sliceOf(lo, hi, count, i);
      if (slice && Math.max(x.rows, y.rows) > ROW_COMPARE_BELOW && slice.hi > slice.lo) {
        await walk(slice.lo, slice.hi, top ? Math.max(SPLIT, Math.min(1024, Math.ceil(Math.max(x.rows, y.rows) / 100_000))) : SPLIT, false);
      } else await compareRows(slice?.lo ?? null, slice?.hi ?? null);
    }
  };
  // The whole table first, in one pass on each side: equal copies cost no more than that.
  await walk(keyRange?.lo ?? null, keyRange?.hi ?? null, 1, true);
  return report;
}

/** Keys per slice when [lo, hi] is cut into `count` slices. */
export function stepOf(lo: bigint, hi: bigint, count: number): bigint {
  const n = BigInt(count);
  return (hi - lo + 1n + n - 1n) / n;
}

/** Slice i of `count` slices of [lo, hi], inclusive (the last may be shorter, or empty). */
export function sliceOf(lo: bigint, hi: bigint, count: number, i: number): { lo: bigint; hi: bigint } {
  const step = stepOf(lo, hi, count);
  const start = lo + step * BigInt(i);
  const end = start + step - 1n;
  return { lo: start, hi: end < hi ? end : hi };
}

/** The slice a key falls in: (key - lo) / step, as the SQL on both sides computes it. */
export function bucketOf(key: bigint, lo: bigint, hi: bigint, count: number): number {
  return Number((key - lo) / stepOf(lo, hi, count));
}
