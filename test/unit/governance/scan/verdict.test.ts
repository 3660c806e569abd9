import { describe, expect, it } from 'vitest';
import { judge } from '../../../../governance/scan/verdict.ts';
import { tableFindings } from '../../../../governance/scan/table-findings.ts';
import { isScannedTable } from '../../../../governance/scan/scanned-tables.ts';
import type { Detection } from '../../../../governance/scan/personal-data.ts';
import { citizenId as maskCitizenId } from '../../../../governance/masking/masks.ts';
import { validCitizenId, validCreditCode, validMobile } from '../../../support/personal-values.ts';

const found = (type: Detection['type'], level: Detection['level']): Detection => ({ type, level, validated: 9, sampled: 10, share: 0.9 });
const ID = found('citizen_id', 'L4');
const MOBILE = found('mobile', 'L3');
const CREDIT = found('credit_code', 'L2');

describe('whether personal data is where it should not be', () => {
  it('on a department connection: above the level it may receive unmasked, as distributions are refused', () => {
    expect(judge(ID, { kind: 'department', allowedLevel: 'L1' })).toEqual({
      reason: '9 of 10 sampled values are valid citizen_id (L4), unmasked; the connection may receive up to L1 unmasked',
      classification: null,
      allowedLevel: 'L1',
    });
    expect(judge(MOBILE, { kind: 'department', allowedLevel: 'L3' })).toBeNull();
    expect(judge(MOBILE, { kind: 'department', allowedLevel: 'L2' })).not.toBeNull();
    expect(judge(CREDIT, { kind: 'department', allowedLevel: 'L2' })).toBeNull();
    expect(judge(ID, { kind: 'department', allowedLevel: 'L4' })).toBeNull();
    // An allowed level that is not L1-L4 allows public data only.
    expect(judge(CREDIT, { kind: 'department', allowedLevel: 'L9' })).not.toBeNull();
  });

  it('in the centre: in a table the catalogue does not describe, in a column it does not describe, or classified below what it holds', () => {
    expect(judge(CREDIT, { kind: 'centre-uncatalogued' })?.reason).toBe(
      '9 of 10 sampled values are valid credit_code (L2) in a table the catalogue does not describe',
    );
    expect(judge(ID, { kind: 'centre-catalogued' })).toMatchObject({ classification: 'not catalogued' });
    expect(judge(ID, { kind: 'centre-catalogued', column: { semanticType: null, sensitivity: 'L1' } })).toEqual({
      reason: '9 of 10 sampled values are valid citizen_id (L4); the catalogue classifies the column L1 (not personal)',
      classification: 'L1 (not personal)',
      allowedLevel: null,
    });
    expect(judge(ID, { kind: 'centre-catalogued', column: { semanticType: 'mobile', sensitivity: 'L3' } })?.classification).toBe('L3 (mobile)');
    expect(judge(ID, { kind: 'centre-catalogued', column: { semanticType: 'citizen_id', sensitivity: 'L4' } })).toBeNull();
    expect(judge(MOBILE, { kind: 'centre-catalogued', column: { semanticType: 'citizen_id', sensitivity: 'L4' } })).toBeNull();
  });

  it('judges a sampled table column by column: only the unmasked personal columns above the allowed level', () => {
    const n = 20;
    const ids = Array.from({ length: n }, (_, i) => validCitizenId(i));
    const findings = tableFindings(
      ['id', 'citizen_id', 'masked_id', 'mobile', 'credit_code'],
      [
        Array.from({ length: n }, (_, i) => String(i)),
        ids,
        ids.map((v) => maskCitizenId(v)),
        Array.from({ length: n }, (_, i) => validMobile(i)),
        Array.from({ length: n }, (_, i) => validCreditCode(i)),
      ],
      () => ({ kind: 'department', allowedLevel: 'L2' }),
      { minShare: 0.5, minValues: 3 },
    );
    expect(findings.map((f) => [f.column, f.detection.type])).toEqual([
      ['citizen_id', 'citizen_id'],
      ['mobile', 'mobile'],
    ]);
  });
});

describe('which tables a scan samples', () => {
  it('skips system schemas, run shadows, and in the centre dataops’ own schemas', () => {
    for (const schema of ['pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_3', 'mysql', 'performance_schema', 'sys'])
      expect(isScannedTable(schema, 't', { centre: false })).toBe(false);
    expect(isScannedTable('public', 'people__dataops_0a1b2c3d4e', { centre: false })).toBe(false);
    expect(isScannedTable('dataops', 'runs', { centre: true })).toBe(false);
    expect(isScannedTable('dataops_staging', 'collect_ab12', { centre: true })).toBe(false);
    expect(isScannedTable('raw', 'residents', { centre: true })).toBe(true);
    // A department may name a schema dataops; only the centre's is dataops' own.
    expect(isScannedTable('dataops', 'people', { centre: false })).toBe(true);
  });
});
