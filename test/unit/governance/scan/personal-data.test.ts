import { describe, expect, it } from 'vitest';
import { detectPersonalData, levelOfType } from '../../../../governance/scan/personal-data.ts';
import { citizenId as maskCitizenId, mobile as maskMobile } from '../../../../governance/masking/masks.ts';
import { isValidCitizenId } from '../../../../governance/semantic/citizen-id.ts';
import { badChecksumId, random18Digits, validCitizenId, validCreditCode, validMobile } from '../../../support/personal-values.ts';

const defaults = { minShare: 0.5, minValues: 3 };
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe('detecting unmasked personal data in a sampled column', () => {
  it('finds valid citizen IDs, mobiles, credit codes and e-mails, with the catalogue level of each type', () => {
    expect(detectPersonalData(range(100, validCitizenId), defaults)).toEqual({ type: 'citizen_id', level: 'L4', validated: 100, sampled: 100, share: 1 });
    expect(detectPersonalData(range(100, validMobile), defaults)).toMatchObject({ type: 'mobile', level: 'L3', validated: 100 });
    expect(detectPersonalData(range(100, validCreditCode), defaults)).toMatchObject({ type: 'credit_code', level: 'L2', validated: 100 });
    expect(
      detectPersonalData(
        range(10, (i) => `user${i}@example.cn`),
        defaults,
      ),
    ).toMatchObject({ type: 'email', level: 'L2', validated: 10 });
    expect([levelOfType('citizen_id'), levelOfType('mobile'), levelOfType('credit_code'), levelOfType('email')]).toEqual(['L4', 'L3', 'L2', 'L2']);
  });

  it('ignores masked values: IDs keeping 6 + 4 or 3 + 4, mobiles keeping 3 + 4, pseudonyms', () => {
    const ids = range(200, validCitizenId);
    expect(
      detectPersonalData(
        ids.map((v) => maskCitizenId(v)),
        defaults,
      ),
    ).toBeNull();
    expect(
      detectPersonalData(
        ids.map((v) => maskCitizenId(v, 3, 4)),
        defaults,
      ),
    ).toBeNull();
    expect(maskCitizenId(ids[0]!, 3, 4)).toMatch(/^310\*{11}\d{3}[\dX]$/);
    expect(
      detectPersonalData(
        range(200, validMobile).map((v) => maskMobile(v)),
        defaults,
      ),
    ).toBeNull();
    expect(
      detectPersonalData(
        range(200, (i) => `v1_${(i * 7_919).toString(32).padStart(20, 'a')}`),
        defaults,
      ),
    ).toBeNull();
  });

  it('ignores 18-digit numbers that fail the check character, and random ones', () => {
    const bad = range(500, badChecksumId);
    expect(bad.every((v) => v.length === 18 && !isValidCitizenId(v))).toBe(true);
    expect(detectPersonalData(bad, defaults)).toBeNull();
    expect(detectPersonalData(range(1000, random18Digits), defaults)).toBeNull();
  });

  it('reports a column from the share threshold on, counting only non-empty values', () => {
    const mixed = (valid: number, other: number) => [...range(valid, validCitizenId), ...range(other, badChecksumId)];
    expect(detectPersonalData(mixed(50, 50), defaults)).toMatchObject({ type: 'citizen_id', validated: 50, sampled: 100, share: 0.5 });
    expect(detectPersonalData(mixed(49, 51), defaults)).toBeNull();
    expect(detectPersonalData(mixed(49, 51), { ...defaults, minShare: 0.4 })).toMatchObject({ validated: 49, share: 0.49 });
    expect(detectPersonalData(mixed(80, 20), { ...defaults, minShare: 0.9 })).toBeNull();
    // 3 of 7 is under half, 4 of 7 is over it: no rounding at the edge.
    expect(detectPersonalData(mixed(3, 4), defaults)).toBeNull();
    expect(detectPersonalData(mixed(4, 3), defaults)).toMatchObject({ validated: 4, sampled: 7 });
    // NULLs and blanks are not values: 10 IDs among 90 empty cells are all of the column's values.
    const sparse = [...range(10, validCitizenId), ...Array<null>(60).fill(null), ...Array<string>(30).fill('  ')];
    expect(detectPersonalData(sparse, defaults)).toMatchObject({ validated: 10, sampled: 10, share: 1 });
  });

  it('does not judge a column with fewer values than minValues, or none', () => {
    expect(detectPersonalData(range(2, validCitizenId), defaults)).toBeNull();
    expect(detectPersonalData(range(2, validCitizenId), { ...defaults, minValues: 2 })).toMatchObject({ validated: 2 });
    expect(detectPersonalData([], { minShare: 0.5, minValues: 1 })).toBeNull();
    expect(detectPersonalData([null, null], { minShare: 0.5, minValues: 1 })).toBeNull();
  });

  it('reads an ID with blanks around it or a lower-case check character as the ID it is', () => {
    const ids = range(400, validCitizenId).filter((v) => v.endsWith('X'));
    expect(ids.length).toBeGreaterThan(3);
    expect(detectPersonalData([...ids.map((v) => ` ${v.toLowerCase()} `)], defaults)).toMatchObject({ type: 'citizen_id', validated: ids.length });
  });

  it('takes the type most values validate as when a column mixes them', () => {
    const column = [...range(30, validMobile), ...range(70, validCitizenId)];
    expect(detectPersonalData(column, defaults)).toMatchObject({ type: 'citizen_id', validated: 70 });
    expect(detectPersonalData(column, { ...defaults, minShare: 0.8 })).toBeNull();
  });
});
