import { describe, expect, it } from 'vitest';
import { cluster } from '../../../../governance/fuse/cluster.ts';

describe('cluster', () => {
  it('joins matched pairs transitively', () => {
    const { root } = cluster({
      size: 4,
      edges: [
        { i: 0, j: 1, score: 12 },
        { i: 1, j: 2, score: 11 },
      ],
      idStem: [null, null, null, null],
    });
    expect(root[0]).toBe(root[1]);
    expect(root[1]).toBe(root[2]);
    expect(root[3]).not.toBe(root[0]);
  });

  it('never puts two different IDs in one entity: the weaker link is refused', () => {
    // 0 and 2 carry different IDs; 1 (no ID) matches both, 0 more strongly.
    const { root, refused } = cluster({
      size: 3,
      edges: [
        { i: 1, j: 2, score: 11 },
        { i: 0, j: 1, score: 15 },
      ],
      idStem: ['31011219800101001', null, '31011219800101002'],
    });
    expect(root[0]).toBe(root[1]);
    expect(root[2]).not.toBe(root[0]);
    expect(refused).toEqual([{ i: 1, j: 2, score: 11 }]);
  });

  it('keeps a pair a reviewer rejected apart, also through a third record', () => {
    const { root } = cluster({
      size: 3,
      edges: [
        { i: 0, j: 1, score: 12 },
        { i: 1, j: 2, score: 12 },
      ],
      idStem: [null, null, null],
      cannotLink: [[0, 2]],
    });
    expect(root[0]).toBe(root[1]);
    expect(root[2]).not.toBe(root[0]);
  });
});
