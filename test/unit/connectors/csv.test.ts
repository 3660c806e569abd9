import { describe, expect, it } from 'vitest';
import { createCsvChunkDecoder } from '../../../connectors/csv/chunk-decoder.ts';
import { parseRecords } from '../../../connectors/csv/parse-records.ts';
import { resolveEncoding } from '../../../connectors/csv/detect-encoding.ts';
import { BadInputError } from '../../../errors/bad-input.ts';
import iconv from 'iconv-lite';

const dialect = { delimiter: ',', quote: '"' };
const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('records that continue past a chunk', () => {
  it('stops before a quoted field that runs past the text, unless the text is final', () => {
    const text = '1,"a"\n2,"multi\nline"\n3,"open\n';
    const parsed = parseRecords(text, dialect, 2, 2, 'f.csv', false);
    expect(parsed.rows).toEqual([
      ['1', 'a'],
      ['2', 'multi\nline'],
    ]);
    expect(text.slice(parsed.consumed)).toBe('3,"open\n');
    expect(parsed.lines).toBe(3);
    expect(() => parseRecords(text, dialect, 2, 2, 'f.csv', true)).toThrow(/line 5: unterminated quoted field/);
  });

  it('hands back the exact bytes of the unfinished record, in GBK too', () => {
    const decode = createCsvChunkDecoder({ encoding: 'gbk', dialect, expectedFields: 2, source: 'f.csv' });
    const bytes = iconv.encode('名称,"地址"\n下一行,"跨\n', 'gbk');
    const chunk = decode(bytes, 0, 2, false);
    expect(chunk.rows).toEqual([['名称', '地址']]);
    expect(iconv.decode(bytes.subarray(chunk.consumedBytes), 'gbk')).toBe('下一行,"跨\n');
    expect(chunk.payload.toString('utf8')).toBe('名称,"地址"\n');
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
