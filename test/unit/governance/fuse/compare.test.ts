import { describe, expect, it } from 'vitest';
import { comparePair, scorePair } from '../../../../governance/fuse/compare.ts';
import { deriveFeatures, type NameTools } from '../../../../governance/fuse/features.ts';
import { addressKey } from '../../../../governance/fuse/address-key.ts';
import { ENTITY_FIELDS, type EntityType } from '../../../../governance/fuse/field-kinds.ts';
import { addRecord, emptyRecords } from '../../../../governance/fuse/match-records.ts';

// Readings for the characters used here (the real tools load pinyin-pro; a unit test needs no dictionary).
const READINGS: Record<string, string> = { 张: 'zhang', 章: 'zhang', 伟: 'wei', 玮: 'wei', 坡: 'po', 波: 'bo', 李: 'li', 志: 'zhi', 超: 'chao', 理: 'li' };
const tools: NameTools = { pinyin: (name) => [...name].map((c) => READINGS[c] ?? c).join(' ') };

function features(entity: EntityType, rows: Record<string, string | null>[]) {
  const fields = Object.entries(ENTITY_FIELDS[entity]).map(([name, kind]) => ({ name, kind }));
  const records = emptyRecords(fields, ['a', 'b']);
  for (const [i, row] of rows.entries()) {
    addRecord(
      records,
      i % 2,
      String(i),
      null,
      String(i),
      fields.map((f) => row[f.name] ?? null),
    );
  }
  return deriveFeatures(entity, records, tools, addressKey);
}

describe('comparePair (person)', () => {
  it('an ID with a wrong check character still agrees on its first 17 characters', () => {
    const f = features('person', [
      { citizen_id: '110101199003074475', name: '张伟' },
      { citizen_id: '110101199003074479', name: '张伟' },
    ]);
    const { score, fields } = comparePair(f, 0, 1);
    expect(fields.citizen_id?.[0]).toBe('stem');
    expect(score).toBeGreaterThanOrEqual(10);
  });

  it('a homophone name agrees almost as much as the same name; a different given name in a two-character name counts against', () => {
    const f = features('person', [
      { name: '张伟', birth_date: '1990-03-07' },
      { name: '章玮', birth_date: '1990-03-07' },
      { name: '张坡', birth_date: '1990-03-07' },
      { name: '张波', birth_date: '1990-03-07' },
    ]);
    expect(comparePair(f, 0, 1).fields.name?.[0]).toBe('pinyin');
    expect(comparePair(f, 2, 3).fields.name?.[0]).toBe('shortTypo');
    expect(scorePair(f, 0, 1)).toBeGreaterThan(scorePair(f, 2, 3));
  });

  it('two adjacent digits swapped in a mobile is a weaker agreement; the birth date from the ID fills an empty field', () => {
    const f = features('person', [
      { citizen_id: '110101199003074475', mobile: '13812345678' },
      { name: '李志超', mobile: '13812354678', birth_date: '1990-03-07' },
    ]);
    const { fields } = comparePair(f, 0, 1);
    expect(fields.mobile?.[0]).toBe('swap');
    expect(fields.birth_date?.[0]).toBe('exact');
  });

  it('different IDs outweigh everything else that agrees', () => {
    const row = { name: '张伟', birth_date: '1990-03-07', mobile: '13812345678', address: '七莘路427弄19号1705室' };
    const f = features('person', [
      { ...row, citizen_id: '110101199003074475' },
      { ...row, citizen_id: '110101199003079999' },
    ]);
    expect(comparePair(f, 0, 1).fields.citizen_id?.[0]).toBe('different');
    expect(scorePair(f, 0, 1)).toBeLessThan(10);
  });
});

describe('comparePair (enterprise)', () => {
  it('compares credit code, name, legal person, phone and address', () => {
    const f = features('enterprise', [
      { credit_code: '91310112MA1GBXXX0X', name: '上海某某科技有限公司', legal_person: '张伟', phone: '13812345678', address: '七莘路427弄19号' },
      { credit_code: '91310112MA1GBXXX0Y', name: '上海某某科技有限公司', legal_person: '张伟', phone: null, address: '闵行区七莘路427弄19号' },
    ]);
    const { score, fields } = comparePair(f, 0, 1);
    expect(Object.keys(fields).sort()).toEqual(['address', 'credit_code', 'legal_person', 'name']);
    expect(fields.credit_code?.[0]).toBe('stem');
    expect(score).toBeGreaterThanOrEqual(10);
  });
});
