import { describe, expect, it } from 'vitest';
import { keyComparisonDue } from '../../../governance/key-comparison.ts';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe('whether a key comparison is due', () => {
  it('is due when keys were never compared, and on every run with every: 0s', () => {
    expect(keyComparisonDue(undefined, at('2026-12-02T02:00:00Z'), DAY)).toBe(true);
    expect(keyComparisonDue(at('2026-12-02T02:00:00Z'), at('2026-12-02T02:00:00Z'), 0)).toBe(true);
  });

  it('goes by logical dates: a nightly schedule compares every night with every: 1d', () => {
    expect(keyComparisonDue(at('2026-12-01T18:00:00Z'), at('2026-12-02T18:00:00Z'), DAY)).toBe(true);
    expect(keyComparisonDue(at('2026-12-01T18:00:00Z'), at('2026-12-02T17:59:59.999Z'), DAY)).toBe(false);
  });

  it('is not due for a backfilled run dated before the last comparison', () => {
    expect(keyComparisonDue(at('2026-12-02T18:00:00Z'), at('2026-11-20T18:00:00Z'), DAY)).toBe(false);
  });
});
