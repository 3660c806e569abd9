import { describe, expect, it } from 'vitest';
import { copyTextRow, escapeCopyText, parseCopyText, forEachCopyRow } from '../../../connectors/postgres/copy-text.ts';
import type { Field } from '../../../connectors/source-chunk.ts';

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

describe('forEachCopyRow', () => {
  it('reads every line as parseCopyText does, into one reused array', () => {
    const rows: Field[][] = [
      ['a', null, 'tab\there', 'back\\slash', ''],
      ['闵行区', 'new\nline', null, '\\N as text', 'x'],
      ['', '', '', '', ''],
    ];
    const text = rows.map((r) => copyTextRow(r)).join('');
    const seen: Field[][] = [];
    let same = true;
    let first: Field[] | undefined;
    forEachCopyRow(text, [], (row) => {
      first ??= row;
      same &&= row === first;
      seen.push([...row]);
    });
    expect(seen).toEqual(parseCopyText(text));
    expect(seen).toEqual(rows);
    expect(same).toBe(true);
  });
});
