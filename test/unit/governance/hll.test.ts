import { describe, expect, it } from 'vitest';
import { hashString, HyperLogLog } from '../../../governance/profile/hll.ts';

function fill(prefix: string, n: number): HyperLogLog {
  const h = new HyperLogLog();
  for (let i = 0; i < n; i++) h.add(`${prefix}${i}`);
  return h;
}

describe('hashString', () => {
  it('is deterministic and spreads similar strings', () => {
    expect(hashString('310112')).toBe(hashString('310112'));
    expect(hashString('a')).not.toBe(hashString('b'));
    // The top 12 bits pick the register: consecutive keys must not crowd into a few registers.
    const used = new Set<number>();
    for (let i = 0; i < 4096; i++) used.add(hashString(`id-${i}`) >>> 20);
    expect(used.size).toBeGreaterThan(2400); // ~4096 * (1 - 1/e) ≈ 2589 expected
  });
  it('returns an unsigned 32-bit integer', () => {
    for (const v of ['', 'x', '汉字', '\u{20BB7}']) {
      const h = hashString(v);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});

describe('HyperLogLog', () => {
  it('estimates 100k distinct values within 3%', () => {
    const h = fill('customer-', 100_000);
    expect(Math.abs(h.estimate() / 100_000 - 1)).toBeLessThan(0.03);
  });

  it('has about 1.6% standard error across independent sets', () => {
    let sumSq = 0;
    const trials = 20;
    for (let t = 0; t < trials; t++) sumSq += (fill(`set${t}:`, 50_000).estimate() / 50_000 - 1) ** 2;
    expect(Math.sqrt(sumSq / trials)).toBeLessThan(0.025);
  });

  it('is near exact for small cardinalities and zero when empty', () => {
    expect(new HyperLogLog().estimate()).toBe(0);
    expect(Math.round(fill('k', 1).estimate())).toBe(1);
    expect(Math.abs(fill('k', 100).estimate() - 100)).toBeLessThan(3);
  });

  it('ignores duplicates', () => {
    const h = new HyperLogLog();
    for (let r = 0; r < 10; r++) for (let i = 0; i < 1000; i++) h.add(`v${i}`);
    expect(Math.abs(h.estimate() - 1000)).toBeLessThan(40);
  });

  it('merges to the sketch of the union', () => {
    const a = fill('m', 30_000);
    const b = new HyperLogLog();
    for (let i = 20_000; i < 60_000; i++) b.add(`m${i}`);
    a.merge(b);
    expect(a.toBase64()).toBe(fill('m', 60_000).toBase64());
  });

  it('round-trips through base64', () => {
    const h = fill('r', 12_345);
    const text = h.toBase64();
    expect(text).toHaveLength(4096);
    expect(text).toMatch(/^[A-Za-z0-9+/]+$/);
    const back = HyperLogLog.fromBase64(text);
    expect(back.estimate()).toBe(h.estimate());
    expect(Array.from(back.registers)).toEqual(Array.from(h.registers));
  });

  it('rejects malformed serialised sketches', () => {
    expect(() => HyperLogLog.fromBase64('AAAA')).toThrow(RangeError);
    expect(() => HyperLogLog.fromBase64('z'.repeat(4096))).toThrow(RangeError); // register 51 > 21
  });
});
