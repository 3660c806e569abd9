import { describe, expect, it } from 'vitest';
import { repairSwaps } from '../../../../governance/fuse/repair-swaps.ts';

describe('repairSwaps', () => {
  it('puts a name and an address keyed into each other back', () => {
    const v: Record<string, string | null> = { name: '上海市闵行区七莘路427弄19号', address: '张伟', citizen_id: null, mobile: null };
    expect(repairSwaps(v)).toEqual([{ from: 'name', to: 'address' }]);
    expect(v.name).toBe('张伟');
  });

  it('moves a mobile out of the ID column', () => {
    const v: Record<string, string | null> = { name: '张伟', address: null, citizen_id: '13812345678', mobile: null };
    repairSwaps(v);
    expect(v).toMatchObject({ citizen_id: null, mobile: '13812345678' });
  });

  it('leaves right values alone', () => {
    const v: Record<string, string | null> = { name: '张伟', address: '七莘路427弄19号', citizen_id: '310112198001010011', mobile: '13812345678' };
    expect(repairSwaps(v)).toEqual([]);
  });
});
