import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../../governance/fuse/address-key.ts';

describe('addressKey', () => {
  it('gives the same door and full key to the ways departments write one flat', () => {
    const variants = [
      '上海市闵行区七宝镇七莘路427弄19号1705室',
      '七宝七莘路427弄19号楼1705室',
      '闵行区七莘路427弄19-1705',
      '七莘路427弄19号1705',
      '上海市闵行区七宝七莘路４２７弄１９号１７０５室',
    ];
    const keys = variants.map(addressKey);
    for (const k of keys) {
      expect(k.door).toBe('七莘路427弄19号');
      expect(k.full).toBe('七莘路427弄19号1705室');
    }
  });

  it('a different door or room gives a different key', () => {
    expect(addressKey('七莘路427弄20号1705室').door).not.toBe(addressKey('七莘路427弄19号1705室').door);
    expect(addressKey('七莘路427弄19号1706室').full).not.toBe(addressKey('七莘路427弄19号1705室').full);
  });
});
