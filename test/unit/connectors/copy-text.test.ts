import { describe, expect, it } from 'vitest';
import { copyTextRow, escapeCopyText, parseCopyText } from '../../../connectors/postgres/copy-text.ts';

describe('COPY text format', () => {
  it('round-trips nulls, tabs, newlines and backslashes', () => {
    const rows = [
      ['1', null, 'tab\there', 'line\nbreak', 'back\\slash', '\r', ''],
      ['2', '莘庄镇', 'plain', '\\N', 'x', 'y', 'z'],
    ];
    const text = rows.map(copyTextRow).join('');
    expect(parseCopyText(text)).toEqual(rows);
  });
  it('escapes only what needs it', () => {
    expect(escapeCopyText('plain')).toBe('plain');
    expect(escapeCopyText(null)).toBe('\\N');
    expect(escapeCopyText('a\tb')).toBe('a\\tb');
  });
  it('decodes octal and hex escapes PostgreSQL may emit', () => {
    expect(parseCopyText('\\101\t\\x42\n')).toEqual([['A', 'B']]);
  });
});
