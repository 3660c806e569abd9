import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openCsvFile } from '../../../connectors/csv/csv-file-reader.ts';
import { openNdjsonFile } from '../../../connectors/ndjson/ndjson-file-reader.ts';
import type { RecordReader, SourcePosition } from '../../../connectors/source-chunk.ts';

const dir = mkdtempSync(join(tmpdir(), 'dataops-file-bytes-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const csv = { encoding: 'auto' as const, delimiter: ',', quote: '"' };

async function rowsOf(reader: RecordReader) {
  const rows: (string | null)[][] = [];
  let last: SourcePosition | undefined;
  for await (const chunk of reader.chunks()) {
    rows.push(...chunk.rows);
    last = chunk.end;
  }
  await reader.close();
  return { rows, last };
}

const lines = Array.from({ length: 5000 }, (_, i) => `${i + 1},居民${i + 1},上海市闵行区${i}号`).join('\n');
const text = `编号,姓名,地址\n${lines}\n`;

describe('gzip-compressed department files', () => {
  it('a gzip file named .csv reads exactly like the plain file, and knows its content size', async () => {
    const plain = await rowsOf(await openCsvFile(file('plain.csv', text), { ...csv, chunkBytes: 4096 }));
    const reader = await openCsvFile(file('packed.csv', gzipSync(text)), { ...csv, chunkBytes: 4096 });
    expect(reader.totalBytes).toBe(Buffer.byteLength(text));
    const packed = await rowsOf(reader);
    expect(packed.rows).toEqual(plain.rows);
    expect(packed.rows).toHaveLength(5000);
    expect(packed.last?.byteOffset).toBe(plain.last?.byteOffset);
  });

  it('resumes at a content offset: the rows after it, as from the plain file', async () => {
    const path = file('resume.csv.gz', gzipSync(text));
    const first = await openCsvFile(path, { ...csv, chunkBytes: 4096 });
    let position: SourcePosition | undefined;
    let seen = 0;
    for await (const chunk of first.chunks()) {
      seen += chunk.rows.length;
      position = chunk.end;
      if (seen > 1000) break;
    }
    await first.close();
    const rest = await rowsOf(await openCsvFile(path, { ...csv, chunkBytes: 4096, start: position }));
    expect(rest.rows[0]![0]).toBe(String(seen + 1));
    expect(seen + rest.rows.length).toBe(5000);
  });

  it('compression: none refuses a gzip file, saying what it is; gzip refuses a plain one', async () => {
    await expect(openCsvFile(file('none.csv', gzipSync(text)), { ...csv, compression: 'none' })).rejects.toThrow(
      /none\.csv is gzip-compressed; set source\.compression/,
    );
    await expect(openCsvFile(file('not.csv', text), { ...csv, compression: 'gzip' })).rejects.toThrow(/not gzip-compressed/);
  });

  it('archives and spreadsheets are refused with what they are', async () => {
    await expect(openCsvFile(file('book.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])), csv)).rejects.toThrow(/book\.csv is a zip archive/);
    await expect(openCsvFile(file('old.csv', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1])), csv)).rejects.toThrow(/old Excel/);
  });

  it('gzip NDJSON too', async () => {
    const ndjson = '{"id":1,"name":"张三"}\n{"id":2,"name":"李四"}\n';
    expect((await rowsOf(await openNdjsonFile(file('events.ndjson', gzipSync(ndjson))))).rows).toEqual([
      ['1', '张三'],
      ['2', '李四'],
    ]);
  });
});

describe('NUL bytes', () => {
  it('a NUL inside a CSV field is reported with its file, line and column', async () => {
    const path = file('nul.csv', `编号,姓名,地址\n1,张三,a\n2,李\u0000四,b\n`);
    await expect(rowsOf(await openCsvFile(path, csv))).rejects.toThrow(/nul\.csv line 3, column 2 "姓名": the value contains a NUL byte/);
  });

  it('a \\u0000 escape in NDJSON is reported with its line and key', async () => {
    const path = file('nul.ndjson', '{"id":1,"name":"a"}\n{"id":2,"name":"b\\u0000c"}\n');
    await expect(rowsOf(await openNdjsonFile(path))).rejects.toThrow(/nul\.ndjson line 2, key "name": the value contains a NUL character/);
  });
});
