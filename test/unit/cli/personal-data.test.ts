import { describe, expect, it } from 'vitest';
import { PersonalColumns } from '../../../cli/personal-data.ts';

const personal = new PersonalColumns(
  new Map([
    ['citizen_id', { semanticType: 'citizen_id', sensitivity: 'L4' }],
    ['mobile', { semanticType: 'mobile', sensitivity: 'L3' }],
    ['name', { semanticType: 'chinese_name', sensitivity: 'L2' }],
    ['id', { semanticType: null, sensitivity: 'L1' }],
  ]),
);

describe('personal columns of quarantined records', () => {
  it('masks L3/L4 values of a record, keeping the others and the key order', () => {
    const record = { id: '7', citizen_id: '310112199001011234', name: '张三', mobile: null };
    expect(personal.names).toEqual(['citizen_id', 'mobile']);
    expect(personal.namesIn(record)).toEqual(['citizen_id', 'mobile']);
    expect(personal.record(record)).toEqual({ id: '7', citizen_id: '310112********1234', name: '张三', mobile: null });
    expect(Object.keys(personal.record(record))).toEqual(Object.keys(record));
  });

  it("masks a personal key's value inside a source reference, also one holding a comma", () => {
    expect(personal.ref('id=7', { id: '7' })).toBe('id=7');
    expect(personal.ref('citizen_id=310112199001011234,id=7', { citizen_id: '310112199001011234' })).toBe('citizen_id=310112********1234,id=7');
    expect(personal.ref('id=7,mobile=138,1234,5678', { mobile: '138,1234,5678' })).toBe(`id=7,mobile=${personal.value('mobile', '138,1234,5678')}`);
    // A reference to another record (a duplicate's kept record): up to the next comma.
    expect(personal.ref('citizen_id=310112199001011234')).toBe('citizen_id=310112********1234');
    expect(personal.ref('row 17')).toBe('row 17');
  });

  it('changes nothing without personal columns or values', () => {
    const none = new PersonalColumns(new Map([['id', { semanticType: null, sensitivity: 'L1' }]]));
    const record = { id: '1', citizen_id: 'x' };
    expect(none.record(record)).toEqual(record);
    expect(none.namesIn(record)).toEqual([]);
    expect(none.ref('citizen_id=x', record)).toBe('citizen_id=x');
  });

  it('masks the values of undescribed columns that validate as citizen IDs or mobiles, and nothing once revealed', () => {
    const described = new PersonalColumns(new Map([['id', { semanticType: null, sensitivity: 'L1' }]]));
    // 11010519491231002X: the standard's own example, with its check character.
    const record = { id: '11010519491231002X', 身份证: '11010519491231002X', 联系电话: '13812345678', 备注: '138123456789', other: '110105194912310021' };
    expect(described.record(record)).toEqual({
      id: '11010519491231002X',
      身份证: '110105********002X',
      联系电话: '138****5678',
      备注: '138123456789',
      other: '110105194912310021',
    });
    expect(described.namesIn(record)).toEqual(['身份证', '联系电话']);
    const revealed = new PersonalColumns(new Map(), true);
    expect(revealed.record(record)).toEqual(record);
    expect(revealed.masking).toBe(false);
  });
});
