/**
 * Order-independent comparison of two copies of a table, range by range: each side reports, per key
 * range, its row count and the sum of a hash of each row's canonical encoding (computed inside its own
 * database). Ranges that differ are split until they are small, then compared row by row, which names
 * the keys that differ.
 */
export interface RangeDigest {
  rows: number;
  /** Sum of the rows' hashes, as exact decimal text. */
  sum: string;
}

export interface DigestSide {
  /** The smallest and greatest key (integer keys), or null for an empty table. */
  bounds(): Promise<{ lo: bigint; hi: bigint } | null>;
  /** Digests of `buckets` equal slices of [lo, hi] (integer keys), or of the whole table (lo = hi = null). */
  buckets(lo: bigint | null, hi: bigint | null, buckets: number): Promise<Map<number, RangeDigest>>;
  /** Each row's key and hash in [lo, hi]. */
  rows(lo: bigint | null, hi: bigint | null): Promise<Map<string, string>>;
}

export interface ReconciliationReport {
  /** Rows on each side. */
  sourceRows: number;
  targetRows: number;
  ranges: number;
  /** Ranges whose digests differed, and the keys found to differ (at most `maxKeys`). */
  differingRanges: number;
  keys: { key: string; problem: 'missing in target' | 'not in source' | 'differs' }[];
}

/** Below this many rows a differing range is compared row by row. */
const ROW_COMPARE_BELOW = 2_000;
const SPLIT = 16;

export async function reconcile(source: DigestSide, target: DigestSide, integerKey: boolean, rows: number, maxKeys = 20): Promise<ReconciliationReport> {
  let keyRange: { lo: bigint; hi: bigint } | null = null;
  if (integerKey) {
    const [a, b] = await Promise.all([source.bounds(), target.bounds()]);
    if (a || b) keyRange = { lo: a && b ? (a.lo < b.lo ? a.lo : b.lo) : (a ?? b)!.lo, hi: a && b ? (a.hi > b.hi ? a.hi : b.hi) : (a ?? b)!.hi };
  }
  const report: ReconciliationReport = { sourceRows: 0, targetRows: 0, ranges: 0, differingRanges: 0, keys: [] };
  const buckets = keyRange ? Math.max(1, Math.min(1024, Math.ceil(rows / 100_000))) : 1;
  const walk = async (lo: bigint | null, hi: bigint | null, count: number, top: boolean): Promise<void> => {
    const [a, b] = await Promise.all([source.buckets(lo, hi, count), target.buckets(lo, hi, count)]);
    if (top) {
      for (const d of a.values()) report.sourceRows += d.rows;
      for (const d of b.values()) report.targetRows += d.rows;
      report.ranges = count;
    }
    for (let i = 0; i < count; i++) {
      const x = a.get(i) ?? { rows: 0, sum: '0' };
      const y = b.get(i) ?? { rows: 0, sum: '0' };
      if (x.rows === y.rows && x.sum === y.sum) continue;
      if (top) report.differingRanges++;
      if (report.keys.length >= maxKeys) return;
      const slice = lo === null || hi === null ? null : sliceOf(lo, hi, count, i);
      if (slice && Math.max(x.rows, y.rows) > ROW_COMPARE_BELOW && slice.hi > slice.lo) await walk(slice.lo, slice.hi, SPLIT, false);
      else await compareRows(slice?.lo ?? null, slice?.hi ?? null);
    }
  };
  const compareRows = async (lo: bigint | null, hi: bigint | null) => {
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
  await walk(keyRange?.lo ?? null, keyRange?.hi ?? null, buckets, true);
  return report;
}

/** Slice i of `count` equal slices of [lo, hi], as an inclusive range. */
export function sliceOf(lo: bigint, hi: bigint, count: number, i: number): { lo: bigint; hi: bigint } {
  const width = hi - lo + 1n;
  const n = BigInt(count);
  // The keys k with floor((k - lo) * n / width) = i: from ceil(i * width / n) to ceil((i + 1) * width / n) - 1.
  const start = (k: bigint) => (width * k + n - 1n) / n;
  return { lo: lo + start(BigInt(i)), hi: lo + start(BigInt(i + 1)) - 1n };
}

/** The bucket of a key among `count` equal slices of [lo, hi] (the SQL on both sides computes the same). */
export function bucketOf(key: bigint, lo: bigint, hi: bigint, count: number): number {
  return Number(((key - lo) * BigInt(count)) / (hi - lo + 1n));
}
