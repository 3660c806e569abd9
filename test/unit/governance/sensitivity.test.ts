import { describe, expect, it } from 'vitest';
import { guessSensitivity } from '../../../governance/sensitivity.ts';

describe('guessSensitivity', () => {
  it('grades citizen IDs L4 whatever else is present', () => {
    const g = guessSensitivity(['email', 'citizen_id', null, 'mobile']);
    expect(g.level).toBe('L4');
    expect(g.reasons).toEqual(['column types include citizen_id']);
  });
  it('grades mobile numbers and coordinates L3', () => {
    expect(guessSensitivity(['mobile', null]).level).toBe('L3');
    const g = guessSensitivity(['coordinate', 'mobile', 'email']);
    expect(g.level).toBe('L3');
    expect(g.reasons).toEqual(['column types include mobile', 'column types include coordinate']);
  });
  it('grades a name together with an address L3, either alone L2', () => {
    expect(guessSensitivity(['chinese_name', 'address']).level).toBe('L3');
    expect(guessSensitivity(['chinese_name', 'address']).reasons).toEqual(['column types include chinese_name and address']);
    expect(guessSensitivity(['address', 'date']).level).toBe('L2');
    expect(guessSensitivity(['chinese_name']).level).toBe('L2');
  });
  it('grades credit codes and e-mail L2', () => {
    const g = guessSensitivity(['credit_code', 'email', null]);
    expect(g.level).toBe('L2');
    expect(g.reasons).toEqual(['column types include credit_code', 'column types include email']);
  });
  it('grades tables without personal types L1', () => {
    expect(guessSensitivity([]).level).toBe('L1');
    expect(guessSensitivity([null, 'date', null]).level).toBe('L1');
    expect(guessSensitivity([null]).reasons).toHaveLength(1);
  });
});
