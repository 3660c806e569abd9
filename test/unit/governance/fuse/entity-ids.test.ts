import { describe, expect, it } from 'vitest';
import { assignEntityIds } from '../../../../governance/fuse/entity-ids.ts';

describe('assignEntityIds', () => {
  it('numbers new clusters in record order on the first run', () => {
    const a = assignEntityIds(Int32Array.from([0, 0, 2]), [null, null, null], [], 'P', 1);
    expect(a.idOf.get(0)).toBe('P000000001');
    expect(a.idOf.get(2)).toBe('P000000002');
    expect(a.nextSeq).toBe(3);
    expect(a.events.filter((e) => e.event === 'new')).toHaveLength(2);
  });

  it('a re-run keeps the ids its records had, whatever the cluster numbers are now', () => {
    const a = assignEntityIds(Int32Array.from([1, 1, 0]), ['P000000001', 'P000000001', 'P000000002'], ['P000000001', 'P000000002'], 'P', 3);
    expect(a.idOf.get(1)).toBe('P000000001');
    expect(a.idOf.get(0)).toBe('P000000002');
    expect(a.events).toEqual([]);
    expect(a.nextSeq).toBe(3);
  });

  it('records a merge: the cluster keeps the id most of its records had', () => {
    const a = assignEntityIds(Int32Array.from([0, 0, 0]), ['P000000002', 'P000000002', 'P000000001'], ['P000000001', 'P000000002'], 'P', 3);
    expect(a.idOf.get(0)).toBe('P000000002');
    expect(a.events).toEqual([{ event: 'merge', entityId: 'P000000002', absorbed: ['P000000001'] }]);
  });

  it('records a split: the larger part keeps the id, the other gets a new one', () => {
    const a = assignEntityIds(Int32Array.from([0, 0, 2]), ['P000000001', 'P000000001', 'P000000001'], ['P000000001'], 'P', 2);
    expect(a.idOf.get(0)).toBe('P000000001');
    expect(a.idOf.get(2)).toBe('P000000002');
    expect(a.events).toContainEqual({ event: 'split', entityId: 'P000000001', into: ['P000000002'] });
  });

  it('retires an entity whose records are all gone', () => {
    const a = assignEntityIds(Int32Array.from([0]), ['P000000001'], ['P000000001', 'P000000002'], 'P', 3);
    expect(a.events).toEqual([{ event: 'retire', entityId: 'P000000002' }]);
  });
});
