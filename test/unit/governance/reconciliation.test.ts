import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { bucketOf, reconcile, sliceOf, type DigestSide, type RangeDigest } from '../../../governance/reconciliation.ts';

/** A table in memory: key -> row text, digested as the databases do (count and sum of 60-bit hashes). */
function side(rows: Map<bigint, string>): DigestSide & { queries: number } {
  const hash = (v: string) => createHash('md5').update(v).digest('hex');
  const inRange = (k: bigint, lo: bigint | null, hi: bigint | null) => lo === null || hi === null || (k >= lo && k <= hi);
  const me = {
    queries: 0,
    async bounds() {
      const keys = [...rows.keys()];
      if (!keys.length) return null;
      return { lo: keys.reduce((a, b) => (a < b ? a : b)), hi: keys.reduce((a, b) => (a > b ? a : b)) };
    },
    async buckets(lo: bigint | null, hi: bigint | null, count: number) {
      me.queries++;
      const out = new Map<number, RangeDigest>();
      for (const [k, v] of rows) {
        if (!inRange(k, lo, hi)) continue;
        const b = lo === null || hi === null ? 0 : bucketOf(k, lo, hi, count);
        const d = out.get(b) ?? { rows: 0, sum: '0' };
        out.set(b, { rows: d.rows + 1, sum: (BigInt(d.sum) + BigInt(`0x${hash(v).slice(0, 15)}`)).toString() });
      }
      return out;
    },
    async rows(lo: bigint | null, hi: bigint | null) {
      return new Map([...rows].filter(([k]) => inRange(k, lo, hi)).map(([k, v]) => [String(k), hash(v)]));
    },
  };
  return me;
}

describe('key-range slices', () => {
  it('are exactly the keys each bucket holds, for any range and slice count', () => {
    for (const [lo, hi, count] of [
      [1n, 100n, 16],
      [-5n, 7n, 3],
      [0n, 9_223_372_036_854_775_806n, 1024],
      [10n, 10n, 4],
    ] as const) {
      let next = lo;
      for (let i = 0; i < count; i++) {
        const s = sliceOf(lo, hi, count, i);
        if (s.hi < s.lo) continue;
        expect(s.lo).toBe(next);
        expect(bucketOf(s.lo, lo, hi, count)).toBe(i);
        expect(bucketOf(s.hi, lo, hi, count)).toBe(i);
        next = s.hi + 1n;
      }
      expect(next).toBe(hi + 1n);
    }
  });
});

describe('reconciliation', () => {
  const table = (n: number) => new Map<bigint, string>(Array.from({ length: n }, (_, i) => [BigInt(i + 1), `row ${i + 1}`]));

  it('finds equal tables equal, whatever their row order', async () => {
    const a = table(250_000);
    const b = new Map([...a].reverse());
    const report = await reconcile(side(a), side(b), true);
    expect(report).toMatchObject({ sourceRows: 250_000, targetRows: 250_000, ranges: 1, differingRanges: 0, keys: [] });
  });

  it('narrows a change, a missing row and an extra row down to their keys without comparing every row', async () => {
    const a = table(300_000);
    const b = new Map(a);
    b.set(123_456n, 'changed behind the centre');
    b.delete(7n);
    b.set(300_001n, 'extra');
    const target = side(b);
    const report = await reconcile(side(a), target, true);
    expect(report.keys).toEqual([
      { key: '7', problem: 'missing in target' },
      { key: '123456', problem: 'differs' },
      { key: '300001', problem: 'not in source' },
    ]);
    expect(report.differingRanges).toBe(3);
    expect(target.queries).toBeLessThan(20);
  });

  it('compares non-integer keys in one range, row by row when it differs', async () => {
    const a = new Map([[1n, 'x']]);
    const report = await reconcile(side(a), side(new Map()), false);
    expect(report).toMatchObject({ ranges: 1, differingRanges: 1, keys: [{ key: '1', problem: 'missing in target' }] });
  });
});
