import { describe, expect, it } from 'vitest';
import { integerRanges, quantileRanges, rangeStep, splitFractions, type KeyRange } from '../../../governance/key-ranges.ts';

/** Which range an integer key falls in; throws unless exactly one range holds it. */
function rangeOfInt(ranges: KeyRange[], key: bigint): number {
  const holding = ranges.flatMap((r, i) => ((r.lo === null || key >= BigInt(r.lo)) && (r.hi === null || key < BigInt(r.hi)) ? [i] : []));
  if (holding.length !== 1) throw new Error(`key ${key} is in ranges [${holding.join(', ')}]`);
  return holding[0]!;
}

/** percentile_disc as PostgreSQL computes it over sorted values: the first value whose position reaches f. */
function percentileDisc(sorted: string[], fractions: number[]): (string | null)[] {
  if (!sorted.length) return fractions.map(() => null);
  return fractions.map((f) => sorted[Math.max(0, Math.ceil(f * sorted.length) - 1)]!);
}

function rangeOfText(ranges: KeyRange[], key: string): number {
  const holding = ranges.flatMap((r, i) => ((r.lo === null || key >= r.lo) && (r.hi === null || key < r.hi) ? [i] : []));
  if (holding.length !== 1) throw new Error(`key ${key} is in ranges [${holding.join(', ')}]`);
  return holding[0]!;
}

function textPlan(keys: string[], n: number): KeyRange[] {
  const sorted = [...keys].sort();
  return quantileRanges(percentileDisc(sorted, splitFractions(n)), sorted[0] ?? null);
}

describe('integer key ranges', () => {
  it('splits min..max into n equal spans, first and last unbounded', () => {
    const ranges = integerRanges(1n, 1000n, 4);
    expect(ranges).toEqual([
      { lo: null, hi: '251' },
      { lo: '251', hi: '501' },
      { lo: '501', hi: '751' },
      { lo: '751', hi: null },
    ]);
    const sizes = [0, 0, 0, 0];
    for (let k = 1n; k <= 1000n; k++) sizes[rangeOfInt(ranges, k)]!++;
    expect(sizes).toEqual([250, 250, 250, 250]);
    // Keys inserted during the run, outside min..max, still land in exactly one range.
    expect(rangeOfInt(ranges, -5n)).toBe(0);
    expect(rangeOfInt(ranges, 10_000_000n)).toBe(3);
  });

  it('an empty table is one unbounded range', () => {
    expect(integerRanges(null, null, 8)).toEqual([{ lo: null, hi: null }]);
  });

  it('one row is one unbounded range', () => {
    expect(integerRanges(42n, 42n, 8)).toEqual([{ lo: null, hi: null }]);
  });

  it('never more ranges than keys, and none empty of possible keys', () => {
    const ranges = integerRanges(10n, 12n, 16);
    expect(ranges).toHaveLength(3);
    expect([10n, 11n, 12n].map((k) => rangeOfInt(ranges, k))).toEqual([0, 1, 2]);
    expect(integerRanges(1n, 2n, 3)).toEqual([
      { lo: null, hi: '2' },
      { lo: '2', hi: null },
    ]);
  });

  it('skewed keys give uneven ranges that still cover every key once', () => {
    const keys = [...Array.from({ length: 1000 }, (_, i) => BigInt(i + 1)), 1_000_000_000n];
    const ranges = integerRanges(1n, 1_000_000_000n, 4);
    expect(ranges).toHaveLength(4);
    const sizes = [0, 0, 0, 0];
    for (const k of keys) sizes[rangeOfInt(ranges, k)]!++;
    expect(sizes).toEqual([1000, 0, 0, 1]);
  });

  it('handles bigint keys beyond 2^53 exactly', () => {
    const min = 9_007_199_254_740_993n;
    const ranges = integerRanges(min, min + 9n, 2);
    expect(ranges).toEqual([
      { lo: null, hi: String(min + 5n) },
      { lo: String(min + 5n), hi: null },
    ]);
  });

  it('negative keys', () => {
    const ranges = integerRanges(-100n, 99n, 2);
    expect(ranges).toEqual([
      { lo: null, hi: '0' },
      { lo: '0', hi: null },
    ]);
  });
});

describe('quantile key ranges (text and other keys)', () => {
  const words = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);

  it('splits at quantiles into parts of equal count', () => {
    const ranges = textPlan(words, 4);
    expect(ranges).toHaveLength(4);
    const sizes = [0, 0, 0, 0];
    for (const w of words) sizes[rangeOfText(ranges, w)]!++;
    expect(sizes).toEqual([249, 250, 250, 251]);
    expect(rangeOfText(ranges, '')).toBe(0);
    expect(rangeOfText(ranges, 'zzz')).toBe(3);
  });

  it('an empty table is one unbounded range', () => {
    expect(textPlan([], 4)).toEqual([{ lo: null, hi: null }]);
  });

  it('one row is one unbounded range', () => {
    expect(textPlan(['only'], 4)).toEqual([{ lo: null, hi: null }]);
  });

  it('more ranges asked for than rows: one range per row at most, repeats dropped', () => {
    const keys = ['a', 'b', 'c'];
    const ranges = textPlan(keys, 16);
    expect(ranges.length).toBeLessThanOrEqual(3);
    expect(keys.map((k) => rangeOfText(ranges, k))).toEqual([0, 1, 2]);
  });

  it('skewed keys (a crowd sharing a prefix) still split by count', () => {
    const skewed = [...Array.from({ length: 990 }, (_, i) => `aaa${String(i).padStart(4, '0')}`), ...Array.from({ length: 10 }, (_, i) => `z${i}`)];
    const ranges = textPlan(skewed, 4);
    const sizes = ranges.map(() => 0);
    for (const w of skewed) sizes[rangeOfText(ranges, w)]!++;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(251);
  });

  it('splitFractions and step names', () => {
    expect(splitFractions(1)).toEqual([]);
    expect(splitFractions(4)).toEqual([0.25, 0.5, 0.75]);
    expect(rangeStep('collect', 2)).toBe('collect#2');
  });
});
