import { describe, expect, it } from 'vitest';
import { detectSemanticType, isChineseName } from '../../../governance/semantic/detect.ts';

describe('place names are not personal names', () => {
  it('rejects street and town names that fit the 2-4 character shape', () => {
    for (const place of ['莘庄镇', '古美路街道', '新虹街道', '七宝镇', '闵行区', '龙吴路']) expect(isChineseName(place)).toBe(false);
    for (const person of ['王伟', '欧阳娜娜', '李秀英']) expect(isChineseName(person)).toBe(true);
  });

  it('does not type a street column as chinese_name', () => {
    const streets = Array.from({ length: 100 }, (_, i) => ['莘庄镇', '七宝镇', '古美路街道', '浦江镇'][i % 4]!);
    expect(detectSemanticType(streets)).not.toBe('chinese_name');
  });
});

describe('a column of Minhang street and town names', () => {
  it('gets no personal-name type even when a few aliases lack the suffix', () => {
    const streets = Array.from({ length: 200 }, (_, i) => (i % 50 === 0 ? '莘庄' : ['莘庄镇', '七宝镇', '古美路街道', '浦江镇', '新虹街道'][i % 5]!));
    expect(detectSemanticType(streets)).toBeNull();
  });
});
