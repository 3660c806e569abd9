import { describe, expect, it } from 'vitest';
import { pickValue, type Candidate } from '../../../../governance/fuse/survivorship.ts';

const c = (value: string, priority: number, updatedAt: string | null, index: number): Candidate => ({
  value,
  priority,
  sourceOrder: priority,
  updatedAt,
  index,
});

describe('pickValue', () => {
  const candidates = [c('A路1号', 1, '2024-01-01T00:00:00Z', 1), c('B路2号', 0, '2020-01-01T00:00:00Z', 0), c('A路1号', 2, '2023-01-01T00:00:00Z', 2)];

  it('sourcePriority takes the first source that has a value', () => {
    expect(pickValue('sourcePriority', candidates)).toMatchObject({ value: 'B路2号', index: 0, distinct: 2 });
  });

  it('mostRecent takes the latest change', () => {
    expect(pickValue('mostRecent', candidates)).toMatchObject({ value: 'A路1号', index: 1 });
  });

  it('mostFrequent takes the value most records hold, and says how much the rest disagree', () => {
    const pick = pickValue('mostFrequent', candidates);
    expect(pick).toMatchObject({ value: 'A路1号', index: 1 });
    expect(pick.disagreement).toBeCloseTo(1 / 3);
    expect(pick.values).toEqual([
      ['A路1号', 2],
      ['B路2号', 1],
    ]);
  });

  it('nothing to pick from is an empty field', () => {
    expect(pickValue('mostRecent', [])).toMatchObject({ value: null, index: null, distinct: 0 });
  });
});
