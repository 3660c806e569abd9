/**
 * A source split into key ranges: half-open [lo, hi) in key order, the first unbounded below and the
 * last unbounded above (null), so every key, including one inserted while the ranges are read, falls in
 * exactly one range. Bounds are key values as PostgreSQL prints them.
 */
export interface KeyRange {
  lo: string | null;
  hi: string | null;
}

/** The whole key space as one range. */
export const WHOLE_RANGE: KeyRange = { lo: null, hi: null };

/** Ranges between ascending, distinct cut points: n cuts give n + 1 ranges. */
export function rangesBetween(cuts: readonly string[]): KeyRange[] {
  const bounds = [null, ...cuts, null];
  return bounds.slice(1).map((hi, i) => ({ lo: bounds[i]!, hi }));
}

/**
 * Integer keys between min and max (inclusive) in `n` spans of equal width (the last may be shorter);
 * never more spans than there are keys. No keys (an empty table): one range.
 */
export function integerRanges(min: bigint | null, max: bigint | null, n: number): KeyRange[] {
  if (min === null || max === null || n <= 1 || max <= min) return [WHOLE_RANGE];
  const keys = max - min + 1n;
  const count = keys < BigInt(n) ? keys : BigInt(n);
  const width = (keys + count - 1n) / count;
  const cuts: string[] = [];
  for (let i = 1n; i < count && min + width * i <= max; i++) cuts.push(String(min + width * i));
  return rangesBetween(cuts);
}

/**
 * Cut points from quantiles read in key order (e.g. percentile_disc over a sample): repeats, which a
 * small sample gives, are dropped, and a cut equal to the smallest key would leave the first range
 * empty. The values must already be in the database's key order (text order is the collation's).
 */
export function quantileRanges(quantiles: readonly (string | null)[], smallest: string | null): KeyRange[] {
  const cuts: string[] = [];
  for (const q of quantiles) {
    if (q === null || q === smallest || q === cuts.at(-1)) continue;
    cuts.push(q);
  }
  return rangesBetween(cuts);
}

/** The fractions whose quantiles split keys into n parts of equal count: 1/n .. (n-1)/n. */
export function splitFractions(n: number): number[] {
  return Array.from({ length: Math.max(0, n - 1) }, (_, i) => (i + 1) / n);
}

/** The checkpoint step of one range of a step, e.g. `collect#2`. */
export function rangeStep(step: string, index: number): string {
  return `${step}#${index}`;
}
