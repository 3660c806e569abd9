import { describe, expect, it } from 'vitest';
import { lastRecordEnd } from '../../../connectors/csv/record-boundary.ts';
import { parseRecords } from '../../../connectors/csv/parse-records.ts';
import { resolveEncoding } from '../../../connectors/csv/detect-encoding.ts';
import { BadInputError } from '../../../config/errors.ts';
import iconv from 'iconv-lite';

const dialect = { delimiter: ',', quote: '"' };
const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('lastRecordEnd', () => {
  it('ends after the last newline outside quotes', () => {
    expect(lastRecordEnd(bytes('a,b\nc,d\ne,'), 0x22)).toBe(8);
    expect(lastRecordEnd(bytes('a,"x\ny"\nb,"open\n'), 0x22)).toBe(8);
    expect(lastRecordEnd(bytes('no newline yet'), 0x22)).toBe(0);
  });

  it('works on GBK bytes, whose trail bytes never equal quote or newline', () => {
    const gbk = iconv.encode('名称,"地址\n换行"\n下一行,x', 'gbk');
    const end = lastRecordEnd(gbk, 0x22);
    expect(iconv.decode(gbk.subarray(0, end), 'gbk')).toBe('名称,"地址\n换行"\n');
  });
});

describe('parseRecords', () => {
  it('splits plain and quoted fields; unquoted empty is null, quoted empty is empty', () => {
    const parsed = parseRecords('1,张三,,""\n2,"李,四","say ""hi""","多\n行"\r\n', dialect, 4, 2, 'f.csv');
    expect(parsed.rows).toEqual([
      ['1', '张三', null, ''],
      ['2', '李,四', 'say "hi"', '多\n行'],
    ]);
    expect(parsed.lines).toBe(3);
    expect(parsed.skippedBlank).toBe(false);
  });

  it('skips blank lines and reports record spans so the COPY payload can leave them out', () => {
    const text = '1,a\n\n2,b\n';
    const parsed = parseRecords(text, dialect, 2, 2, 'f.csv');
    expect(parsed.rows).toEqual([
      ['1', 'a'],
      ['2', 'b'],
    ]);
    expect(parsed.skippedBlank).toBe(true);
    expect(parsed.spans!.map((v, i, all) => (i % 2 ? '' : text.slice(v, all[i + 1]))).filter(Boolean)).toEqual(['1,a\n', '2,b\n']);
  });

  it('names the line of a row with the wrong number of fields', () => {
    expect(() => parseRecords('1,a\n2,b,c\n', dialect, 2, 10, 'people.csv')).toThrow(new BadInputError('people.csv line 11: expected 2 fields, found 3'));
  });

  it('refuses stray quotes and unterminated quotes', () => {
    expect(() => parseRecords('1,a"b"\n', dialect, 2, 2, 'f.csv')).toThrow(/quote inside an unquoted field/);
    expect(() => parseRecords('1,"ab\n', dialect, 2, 2, 'f.csv')).toThrow(/unterminated quoted field/);
    expect(() => parseRecords('1,"ab"x\n', dialect, 2, 2, 'f.csv')).toThrow(/unexpected character after closing quote/);
  });

  it('honours another delimiter', () => {
    expect(parseRecords('1;"a;b"\n', { delimiter: ';', quote: '"' }, 2, 2, 'f.csv').rows).toEqual([['1', 'a;b']]);
  });
});

describe('resolveEncoding', () => {
  const gbk = iconv.encode('名称,地址\n上海,闵行\n', 'gbk');
  const utf8 = bytes('名称,地址\n上海,闵行\n');
  it('auto picks UTF-8 when valid and GBK otherwise', () => {
    expect(resolveEncoding('auto', utf8, 'f')).toBe('utf-8');
    expect(resolveEncoding('auto', gbk, 'f')).toBe('gbk');
  });
  it('refuses a declared encoding the bytes contradict', () => {
    expect(() => resolveEncoding('utf-8', gbk, 'f.csv')).toThrow(/f\.csv is not valid UTF-8/);
    expect(() => resolveEncoding('gbk', utf8, 'f.csv')).toThrow(/looks like UTF-8, not gbk/);
    expect(resolveEncoding('gbk', bytes('ascii,only\n'), 'f')).toBe('gbk');
  });
});

describe('resuming a file', () => {
  it('refuses when the file changed since the checkpoint, and resumes when it did not', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openCsvFile } = await import('../../../connectors/csv/csv-file-reader.ts');
    const path = join(mkdtempSync(join(tmpdir(), 'dataops-resume-')), 'people.csv');
    writeFileSync(path, 'id,name\n1,a\n2,b\n3,c\n');
    const first = await openCsvFile(path, { encoding: 'auto', delimiter: ',', quote: '"', chunkBytes: 9 });
    const positions = [];
    for await (const chunk of first.chunks()) positions.push(chunk.end);
    const afterFirst = positions[0]!;
    const resumed = await openCsvFile(path, { encoding: 'auto', delimiter: ',', quote: '"', start: afterFirst });
    const rest: (string | null)[][] = [];
    for await (const chunk of resumed.chunks()) rest.push(...chunk.rows);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.at(-1)).toEqual(['3', 'c']);
    await expect(openCsvFile(path, { encoding: 'auto', delimiter: ',', quote: '"', start: { ...afterFirst, fingerprint: '1:2' } })).rejects.toThrow(
      /people\.csv changed since this run started/,
    );
  });
});
