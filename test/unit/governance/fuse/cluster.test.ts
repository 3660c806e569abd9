import { describe, expect, it } from 'vitest';
import { cluster } from '../../../../governance/fuse/cluster.ts';
import { EdgeList } from '../../../../governance/fuse/edge-list.ts';

function edges(...list: [number, number, number][]): EdgeList {
  const e = new EdgeList();
  for (const [i, j, s] of list) e.push(i, j, s);
  return e;
}

describe('cluster', () => {
  it('joins matched pairs transitively', () => {
    const { root } = cluster({
      size: 4,
      edges: edges([0, 1, 12], [1, 2, 11]),
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
      edges: edges([1, 2, 11], [0, 1, 15]),
      idStem: ['31011219800101001', null, '31011219800101002'],
    });
    expect(root[0]).toBe(root[1]);
    expect(root[2]).not.toBe(root[0]);
    expect(refused).toEqual([0]);
  });

  it('keeps a pair a reviewer rejected apart, also through a third record', () => {
    const { root } = cluster({
      size: 3,
      edges: edges([0, 1, 12], [1, 2, 12]),
      idStem: [null, null, null],
      cannotLink: [[0, 2]],
    });
    expect(root[0]).toBe(root[1]);
    expect(root[2]).not.toBe(root[0]);
  });

  it('a pair a reviewer accepted joins across two IDs', () => {
    const { root } = cluster({ size: 2, edges: edges([0, 1, Number.POSITIVE_INFINITY]), idStem: ['31011219800101001', '31011219800101002'] });
    expect(root[0]).toBe(root[1]);
  });

  it('after a reviewer joined two IDs, records of either ID still join the entity', () => {
    // a1 has ID X; b1 and b2 share ID Y; a reviewer said a1 and b1 are one person.
    const { root, refused } = cluster({
      size: 3,
      edges: edges([0, 1, Number.POSITIVE_INFINITY], [1, 2, 26]),
      idStem: ['31011219800101001', '31011219800101002', '31011219800101002'],
    });
    expect(root[2]).toBe(root[0]);
    expect(refused).toEqual([]);
  });
});
