import { describe, expect, it } from 'vitest';
import { pickValue, type Candidate } from '../../../../governance/fuse/survivorship.ts';

const c = (value: string, priority: number, updatedAt: string | null, ref: string): Candidate => ({ value, priority, sourceOrder: priority, updatedAt, ref });

describe('pickValue', () => {
  const candidates = [
    c('A路1号', 1, '2024-01-01T00:00:00Z', 'si:1'),
    c('B路2号', 0, '2020-01-01T00:00:00Z', 'mz:1'),
    c('A路1号', 2, '2023-01-01T00:00:00Z', 'jk:1'),
  ];

  it('sourcePriority takes the first source that has a value', () => {
    expect(pickValue('sourcePriority', candidates)).toMatchObject({ value: 'B路2号', ref: 'mz:1', distinct: 2 });
  });

  it('mostRecent takes the latest change', () => {
    expect(pickValue('mostRecent', candidates)).toMatchObject({ value: 'A路1号', ref: 'si:1' });
  });

  it('mostFrequent takes the value most records hold, and says how much the rest disagree', () => {
    const pick = pickValue('mostFrequent', candidates);
    expect(pick).toMatchObject({ value: 'A路1号', ref: 'si:1' });
    expect(pick.disagreement).toBeCloseTo(1 / 3);
    expect(pick.values).toEqual([
      ['A路1号', 2],
      ['B路2号', 1],
    ]);
  });

  it('nothing to pick from is an empty field', () => {
    expect(pickValue('mostRecent', [])).toMatchObject({ value: null, ref: null, distinct: 0 });
  });
});
