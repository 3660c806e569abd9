import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { openExtractWriter } from '../../../connectors/files/open-extract-writer.ts';
import type { ExtractFormat } from '../../../connectors/files/extract-writer.ts';
import { isoTimestamp } from '../../../connectors/files/value-kinds.ts';

const COLUMNS = [
  { name: 'id', pgType: 'bigint' },
  { name: 'n', pgType: 'integer' },
  { name: 'amount', pgType: 'numeric(12,2)' },
  { name: 'ok', pgType: 'boolean' },
  { name: 'born', pgType: 'date' },
  { name: 'at', pgType: 'timestamp with time zone' },
  { name: '姓名', pgType: 'text' },
  { name: 'doc', pgType: 'jsonb' },
];
const ROWS = [
  ['9007199254740993', '7', '12.30', 't', '1990-03-01', '2026-12-01 10:00:00.123456+08', 'a,"b"\nc', '{"k": [1, 2]}'],
  ['2', null, null, 'f', null, '1969-12-31 23:59:59.5+00', '', null],
];

async function write(format: ExtractFormat) {
  const path = join(mkdtempSync(join(tmpdir(), 'dataops-writers-')), `x.${format}`);
  const writer = await openExtractWriter(format, path, COLUMNS);
  await writer.write(ROWS.slice(0, 1));
  await writer.write(ROWS.slice(1));
  const written = await writer.close();
  const bytes = readFileSync(path);
  expect(written.rows).toBe(2);
  expect(written.bytes).toBe(bytes.length);
  expect(written.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  return bytes;
}

describe('extract file writers', () => {
  it('timestamps become ISO 8601 in UTC with their microseconds, also before 1970', () => {
    expect(isoTimestamp('2026-12-01 10:00:00.123456+08', true)).toBe('2026-12-01T02:00:00.123456Z');
    expect(isoTimestamp('1969-12-31 23:59:59.5+00', true)).toBe('1969-12-31T23:59:59.500000Z');
    expect(isoTimestamp('2026-12-01 10:00:00+05:30', true)).toBe('2026-12-01T04:30:00.000000Z');
    expect(isoTimestamp('2026-12-01 10:00:00', false)).toBe('2026-12-01T10:00:00.000000');
  });

  it('CSV: RFC 4180 with a header, NULL empty, the empty string quoted', async () => {
    const text = (await write('csv')).toString('utf8');
    expect(text).toBe(
      'id,n,amount,ok,born,at,姓名,doc\r\n' +
        '9007199254740993,7,12.30,true,1990-03-01,2026-12-01T02:00:00.123456Z,"a,""b""\nc","{""k"": [1, 2]}"\r\n' +
        '2,,,false,,1969-12-31T23:59:59.500000Z,"",\r\n',
    );
  });

  it('NDJSON: numbers stay numbers (exact digits), JSON columns embedded', async () => {
    const lines = (await write('ndjson')).toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(
      '{"id":9007199254740993,"n":7,"amount":12.30,"ok":true,"born":"1990-03-01","at":"2026-12-01T02:00:00.123456Z","姓名":"a,\\"b\\"\\nc","doc":{"k": [1, 2]}}',
    );
    expect(JSON.parse(lines[1]!)).toEqual({ id: 2, n: null, amount: null, ok: false, born: null, at: '1969-12-31T23:59:59.500000Z', 姓名: '', doc: null });
  });

  it('Arrow IPC and Parquet: typed columns that read back with the libraries', async () => {
    for (const format of ['arrow', 'parquet'] as const) {
      const bytes = await write(format);
      const table = format === 'arrow' ? tableFromIPC(bytes) : tableFromIPC(readParquet(bytes).intoIPCStream());
      expect(table.numRows).toBe(2);
      expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
        'id:Int64',
        'n:Int32',
        'amount:Utf8',
        'ok:Bool',
        'born:Date32<DAY>',
        'at:Timestamp<MICROSECOND, UTC>',
        '姓名:Utf8',
        'doc:Utf8',
      ]);
      expect(table.getChild('id')!.get(0)).toBe(9007199254740993n);
      expect(table.getChild('n')!.get(1)).toBeNull();
      expect(table.getChild('ok')!.toArray()).toEqual([true, false]);
      expect(table.getChild('姓名')!.get(0)).toBe('a,"b"\nc');
      const at = table.getChild('at')!;
      expect(at.data[0]!.values[0]).toBe(1_796_090_400_123_456n);
    }
  });
});
