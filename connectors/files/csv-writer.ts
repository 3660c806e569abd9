import type { Field } from '../source-chunk.ts';
import type { ExtractColumn, ExtractFileWriter } from './extract-writer.ts';
import { HashedFile } from './hashed-file.ts';
import { plainValue, valueKind } from './value-kinds.ts';

const NEEDS_QUOTES = /[",\r\n]/;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * CSV in UTF-8 (RFC 4180, CRLF line ends) with a header row. NULL is an empty field; an empty string
 * is `""`, so the two stay apart. Booleans are true/false, timestamps ISO 8601 (timestamptz in UTC).
 */
export async function openCsvWriter(path: string, columns: readonly ExtractColumn[]): Promise<ExtractFileWriter> {
  const file = await HashedFile.create(path);
  const kinds = columns.map((c) => valueKind(c.pgType));
  let rows = 0;
  await file.write(Buffer.from(`${columns.map((c) => csvField(c.name)).join(',')}\r\n`, 'utf8'));
  return {
    async write(batch: Field[][]) {
      let text = '';
      for (const row of batch) text += `${row.map((v, i) => (v === null ? '' : csvField(plainValue(v, kinds[i]!)))).join(',')}\r\n`;
      rows += batch.length;
      await file.write(Buffer.from(text, 'utf8'));
    },
    async close() {
      return { rows, ...(await file.close()) };
    },
    abort: () => file.abort(),
  };
}
