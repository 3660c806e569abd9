import { createSecretKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { maskerFor } from '../../../../governance/masking/masker.ts';
import { type CatalogueColumn, defaultMask, effectiveMasks, unmaskedAbove } from '../../../../governance/masking/policy.ts';
import { guessSensitivity } from '../../../../governance/sensitivity.ts';
import { SEMANTIC_TYPES } from '../../../../governance/semantic/detect.ts';
import { columnMaskSchema, MASKS, maskingPolicySchema } from '../../../../schemas/masking.ts';

// Columns as the catalogue records them: the level is guessSensitivity of the column's own type.
const col = (name: string, semanticType: CatalogueColumn['semanticType'], sensitivity: string = guessSensitivity([semanticType]).level): CatalogueColumn => ({
  name,
  semanticType,
  sensitivity,
});
const RESIDENTS = [
  col('姓名', 'chinese_name'),
  col('身份证号', 'citizen_id'),
  col('手机号', 'mobile'),
  col('住址', 'address'),
  col('邮箱', 'email'),
  col('统一社会信用代码', 'credit_code'),
  col('坐标', 'coordinate'),
  col('出生日期', 'date'),
  col('备注', null, 'L3'),
  col('街道', null, 'L1'),
];

describe('defaultMask', () => {
  it('gives personal types the mask people expect, other L3/L4 columns redact, the rest none', () => {
    expect(Object.fromEntries(RESIDENTS.map((c) => [c.name, defaultMask(c).mask]))).toEqual({
      姓名: 'name',
      身份证号: 'citizen_id',
      手机号: 'mobile',
      住址: 'address',
      邮箱: 'email',
      统一社会信用代码: 'none',
      坐标: 'redact',
      出生日期: 'none',
      备注: 'redact',
      街道: 'none',
    });
  });

  it('masks a personal type even when the catalogue level was lowered, and treats an unknown level as L4', () => {
    expect(defaultMask(col('x', 'citizen_id', 'L1')).mask).toBe('citizen_id');
    expect(defaultMask(col('x', null, 'secret')).mask).toBe('redact');
    expect(defaultMask(col('x', 'date', 'L4')).mask).toBe('redact');
  });

  it('never leaves a column at L3 or L4 unmasked, for every semantic type', () => {
    for (const t of [...SEMANTIC_TYPES, null])
      for (const level of ['L3', 'L4']) expect(defaultMask(col('x', t, level)).mask, `${t} at ${level}`).not.toBe('none');
  });
});

describe('effectiveMasks', () => {
  it('lets the spec override the catalogue and names override columns the table lacks', () => {
    const spec = maskingPolicySchema.parse({ 身份证号: { mask: 'pseudonym' }, 邮箱: { mask: 'nullify' }, 不存在: { mask: 'redact' } });
    const { masks, unknownColumns } = effectiveMasks(RESIDENTS, spec);
    expect(masks.身份证号).toEqual({ mask: 'pseudonym', as: 'citizen_id' }); // canonical form from the semantic type
    expect(masks.邮箱).toEqual({ mask: 'nullify' });
    expect(masks.姓名).toEqual({ mask: 'name' });
    expect(Object.keys(masks)).toEqual(RESIDENTS.map((c) => c.name));
    expect(unknownColumns).toEqual(['不存在']);
    expect(effectiveMasks([col('备注', null, 'L3')], { 备注: { mask: 'pseudonym' } }).masks.备注).toEqual({ mask: 'pseudonym', as: 'text' });
    expect(effectiveMasks([col('a', 'mobile')], { a: { mask: 'pseudonym', as: 'text' } }).masks.a?.as).toBe('text');
  });
});

describe('unmaskedAbove', () => {
  it('names the columns that would leave above the allowed level unmasked, in column order', () => {
    const { masks } = effectiveMasks(RESIDENTS, { 身份证号: { mask: 'none' }, 手机号: { mask: 'none' }, 姓名: { mask: 'none' } });
    // A credit code is L2 and unmasked by default: a destination allowed only L1 must mask it explicitly.
    expect(unmaskedAbove(masks, RESIDENTS, 'L1').map((c) => c.name)).toEqual(['姓名', '身份证号', '手机号', '统一社会信用代码']);
    expect(unmaskedAbove(masks, RESIDENTS, 'L2').map((c) => c.name)).toEqual(['身份证号', '手机号']);
    expect(unmaskedAbove(masks, RESIDENTS, 'L3').map((c) => `${c.name} (${c.sensitivity})`)).toEqual(['身份证号 (L4)']);
    expect(unmaskedAbove(masks, RESIDENTS, 'L4')).toEqual([]);
  });

  it('accepts every mask but none, counts a column without a mask as unmasked, and distrusts unknown levels', () => {
    const columns = [col('a', null, 'L4'), col('b', null, 'L4'), col('c', null, 'L9'), col('d', null, 'L1')];
    for (const mask of MASKS.filter((m) => m !== 'none')) expect(unmaskedAbove({ a: { mask } }, columns.slice(0, 1), 'L1')).toEqual([]);
    expect(unmaskedAbove({ a: { mask: 'redact' } }, columns, 'L3').map((c) => c.name)).toEqual(['b', 'c']);
    expect(unmaskedAbove({}, columns, 'nonsense').map((c) => c.name)).toEqual(['a', 'b', 'c']); // only L1 passes
  });
});

describe('column mask schema', () => {
  it('accepts the documented forms', () => {
    for (const ok of [
      { mask: 'citizen_id' },
      { mask: 'citizen_id', keepFirst: 1, keepLast: 2 },
      { mask: 'mobile', keepFirst: 3, keepLast: 0 },
      { mask: 'keep', keepFirst: 2 },
      { mask: 'pseudonym', as: 'mobile' },
      { mask: 'none' },
    ])
      expect(columnMaskSchema.safeParse(ok).success, JSON.stringify(ok)).toBe(true);
  });

  it('refuses patterns that hide nothing, stray options and unknown masks, with a message', () => {
    const problems = (v: unknown) => columnMaskSchema.safeParse(v).error?.issues.map((i) => i.message) ?? [];
    expect(problems({ mask: 'citizen_id', keepFirst: 14, keepLast: 4 })).toEqual([
      'keepFirst + keepLast must be below 18 for citizen_id, or nothing is hidden',
    ]);
    expect(problems({ mask: 'mobile', keepFirst: 7, keepLast: 4 })).toEqual(['keepFirst + keepLast must be below 11 for mobile, or nothing is hidden']);
    expect(problems({ mask: 'name', keepFirst: 2 })).toEqual(['keepFirst and keepLast apply to citizen_id, mobile, bank_card and keep masks, not name']);
    expect(problems({ mask: 'keep' })).toEqual(['a keep mask needs keepFirst or keepLast (use redact to hide the whole value)']);
    expect(problems({ mask: 'redact', as: 'text' })).toEqual(['as applies to pseudonym masks only']);
    expect(problems({ mask: 'citizen_id', keepFirst: -1 })).toHaveLength(1);
    expect(problems({ mask: 'hash' })).toHaveLength(1);
    expect(problems({ mask: 'redact', extra: 1 })).toHaveLength(1);
  });
});

describe('maskerFor', () => {
  const key = { version: 'v1', algorithm: 'hmac-sha256' as const, secret: createSecretKey(Buffer.from('k'.repeat(32))) };

  it('applies the mask and its pattern', () => {
    expect(maskerFor({ mask: 'citizen_id' })('310112199001011234')).toBe('310112********1234');
    expect(maskerFor({ mask: 'citizen_id', keepFirst: 1, keepLast: 2 })('310112199001011234')).toBe('3***************34');
    expect(maskerFor({ mask: 'mobile' })('+86 13812345678')).toBe('138****5678');
    expect(maskerFor({ mask: 'keep', keepLast: 3 })('abcdefg')).toBe('****efg');
    expect(maskerFor({ mask: 'nullify' })('x')).toBeNull();
    expect(maskerFor({ mask: 'none' })(42)).toBe('42');
    expect(maskerFor({ mask: 'pseudonym', as: 'mobile' }, key)('+86 13812345678')).toBe(maskerFor({ mask: 'pseudonym', as: 'mobile' }, key)('13812345678'));
  });

  it('builds a masker for every mask, and refuses a pseudonym without a key before any value', () => {
    for (const mask of MASKS) {
      const m = maskerFor(columnMaskSchema.parse(mask === 'keep' ? { mask, keepFirst: 1 } : { mask }), key);
      expect(m(null)).toBeNull();
    }
    expect(() => maskerFor({ mask: 'pseudonym' })).toThrow(/needs a masking key/);
  });
});
