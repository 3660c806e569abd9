import { describe, expect, it } from 'vitest';
import { fuseRecords, valuesSignature, type Decisions, type FuseOptions } from '../../../../governance/fuse/fuse.ts';
import { deriveFeatures } from '../../../../governance/fuse/features.ts';
import { addressKey } from '../../../../governance/fuse/address-key.ts';
import { addRecord, emptyRecords } from '../../../../governance/fuse/match-records.ts';
import { citizenIdCheckChar } from '../../../../governance/semantic/citizen-id.ts';

const fields = [
  { name: 'citizen_id', kind: 'citizenId' as const },
  { name: 'name', kind: 'personName' as const },
  { name: 'birth_date', kind: 'date' as const },
];
const options: FuseOptions = {
  threshold: 10,
  reviewBand: 4,
  maxBlock: 200,
  idPrefix: 'P',
  survivorship: { default: 'sourcePriority', fields: { birth_date: 'mostRecent' } },
  priority: {},
  conflicts: { level: 0.3, fields: ['birth_date'] },
};
const ID = `11010119900307101${citizenIdCheckChar('11010119900307101')}`;

function run(births: [string, string], updated: [string, string], decisions: Decisions) {
  const records = emptyRecords(fields, ['a', 'b']);
  addRecord(records, 0, '1', updated[0], 'd1', [ID, '张伟', births[0]]);
  addRecord(records, 1, '1', updated[1], 'd2', [ID, '张伟', births[1]]);
  const features = deriveFeatures('person', records, { pinyin: (n) => n }, addressKey);
  const result = fuseRecords(records, features, options, { entityOf: [null, null], digests: new Map(), nextSeq: 1 }, decisions);
  expect(result.golden).toHaveLength(1);
  return result.golden[0]!.fields[2]!;
}

const none: Decisions = { mustLink: [], cannotLink: [], fields: new Map() };

describe('conflict decisions', () => {
  it('an accepted conflict keeps the value picked when it was asked, even when the rule would now pick the other', () => {
    const asked = run(['1990-03-07', '1990-07-03'], ['2020-01-01', '2024-01-01'], none);
    expect(asked).toMatchObject({ value: '1990-07-03', conflict: true });
    const accepted: Decisions = {
      ...none,
      fields: new Map([['P000000001', new Map([['birth_date', { value: asked.value, signature: valuesSignature(asked.values) }]])]]),
    };
    // The older record is updated later: mostRecent alone would now pick its value.
    const later = run(['1990-03-07', '1990-07-03'], ['2025-01-01', '2024-01-01'], accepted);
    expect(later).toMatchObject({ value: '1990-07-03', rule: 'review', conflict: false, ref: 'b:1' });
    // The records disagree differently now: the question comes back.
    const changed = run(['1990-03-08', '1990-07-03'], ['2025-01-01', '2024-01-01'], accepted);
    expect(changed).toMatchObject({ value: '1990-03-08', conflict: true });
  });

  it('a rejected conflict leaves the field empty while the records disagree the same way', () => {
    const asked = run(['1990-03-07', '1990-07-03'], ['2020-01-01', '2024-01-01'], none);
    const rejected: Decisions = {
      ...none,
      fields: new Map([['P000000001', new Map([['birth_date', { value: null, signature: valuesSignature(asked.values) }]])]]),
    };
    expect(run(['1990-03-07', '1990-07-03'], ['2020-01-01', '2024-01-01'], rejected)).toMatchObject({ value: null, rule: 'review', conflict: false });
  });
});
