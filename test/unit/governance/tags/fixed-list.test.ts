import { describe, expect, it } from 'vitest';
import { normaliseListValue, parseListFile } from '../../../../governance/tags/fixed-list.ts';

describe('fixed-list normalisation', () => {
  it('matches full-width, padded and lower-case-x citizen IDs', () => {
    expect(normaliseListValue(' ３１０１１２１９５００３０２１２３ｘ ', 'citizen_id')).toBe('31011219500302123X');
    expect(normaliseListValue('31011219500302123x', 'citizen_id')).toBe('31011219500302123X');
    expect(normaliseListValue('\u3000张  三\u3000', 'text')).toBe('张 三');
    expect(normaliseListValue('ＡＢＣ', 'text')).toBe('ABC');
  });

  it('reads one value per line or the first CSV column, skipping comments, blanks and the header', () => {
    const list = parseListFile('\uFEFFcitizen_id,note\r\n# list of 2026-11\r\n"310112195003021234",x\r\n\r\n31011219500302123x\n', 'citizen_id', 'citizen_id');
    expect([...list]).toEqual(['310112195003021234', '31011219500302123X']);
  });
});
