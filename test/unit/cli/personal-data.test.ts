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

  it('changes nothing without personal columns', () => {
    const none = new PersonalColumns(new Map([['id', { semanticType: null, sensitivity: 'L1' }]]));
    const record = { id: '1', citizen_id: 'x' };
    expect(none.record(record)).toBe(record);
    expect(none.ref('citizen_id=x', record)).toBe('citizen_id=x');
  });
});
