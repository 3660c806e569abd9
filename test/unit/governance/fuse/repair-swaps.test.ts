import { describe, expect, it } from 'vitest';
import { normaliseRecord } from '../../../../governance/fuse/normalise-record.ts';
import { ENTITY_FIELDS, normaliseValue } from '../../../../governance/fuse/field-kinds.ts';
import { repairSwaps } from '../../../../governance/fuse/repair-swaps.ts';

const fields = Object.entries(ENTITY_FIELDS.person).map(([name, kind]) => ({ name, kind }));
const same = (s: string) => s;

function governed(raw: Record<string, string | null>) {
  const r = normaliseRecord(
    fields,
    fields.map((f) => raw[f.name] ?? null),
    same,
  );
  return { values: Object.fromEntries(fields.map((f, k) => [f.name, r.values[k]])), repairs: r.repairs };
}

describe('swapped columns', () => {
  it('puts a name and an address keyed into each other back, each governed as what it is', () => {
    const { values, repairs } = governed({ name: '上海市闵行区七莘路427弄19号', address: '张伟' });
    expect(repairs).toEqual([{ from: 'name', to: 'address' }]);
    expect(values.name).toBe('张伟');
    expect(values.address).toBe('闵行区七宝镇七莘路427弄19号');
  });

  it('moves a mobile written with +86 out of the ID column', () => {
    const { values } = governed({ name: '张伟', citizen_id: '+86 138-1234-5678' });
    expect(values).toMatchObject({ citizen_id: null, mobile: '13812345678' });
  });

  it('an ID with a lower-case x typed in the mobile column becomes the valid ID', () => {
    const { values } = governed({ name: '张伟', mobile: '11010119900307101x' });
    expect(values).toMatchObject({ citizen_id: '11010119900307101X', mobile: null });
  });

  it('leaves right values alone', () => {
    const { repairs } = governed({ name: '张伟', address: '七莘路427弄19号', citizen_id: '310112198001010011', mobile: '13812345678' });
    expect(repairs).toEqual([]);
  });
});

describe('the canonical-ID shortcut', () => {
  it('decides as governing each value as the other would, over IDs and mobiles of every shape', () => {
    const ids = [
      '310112198001010011',
      '11010119900307101X',
      '86138123456780001',
      '861381234567800012',
      '13812345678',
      '+86 138-1234-5678',
      '0086 13812345678',
      '310112800101001',
      null,
    ];
    const mobiles = ['13812345678', '19912345678', '11010119900307101x', '310112198001010011', '8613812345678', '12345678901', '021-64123456', null];
    const kinds: Record<string, 'citizenId' | 'mobile'> = { citizen_id: 'citizenId', mobile: 'mobile' };
    for (const id of ids)
      for (const mobile of mobiles) {
        const raw: Record<string, string | null> = { citizen_id: id, mobile };
        const governAs = (of: string, as: string) => normaliseValue(kinds[as]!, raw[of] ?? null);
        const fresh = () => ({ citizen_id: normaliseValue('citizenId', id), mobile: normaliseValue('mobile', mobile) });
        const full = fresh();
        const quick = fresh();
        expect(
          repairSwaps(quick, governAs, (f) => raw[f] ?? null),
          `${id} / ${mobile}`,
        ).toEqual(repairSwaps(full, governAs));
        expect(quick).toEqual(full);
      }
  });
});
