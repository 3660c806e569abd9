import type { Field } from '../source-chunk.ts';
import type { ExtractColumn, ExtractFileWriter } from './extract-writer.ts';
import { HashedFile } from './hashed-file.ts';
import { jsonValue, valueKind } from './value-kinds.ts';

/** One JSON object per line (UTF-8, LF): numbers as numbers (exact digits), booleans, ISO timestamps, JSON columns embedded. */
export async function openNdjsonWriter(path: string, columns: readonly ExtractColumn[]): Promise<ExtractFileWriter> {
  const file = await HashedFile.create(path);
  const kinds = columns.map((c) => valueKind(c.pgType));
  const keys = columns.map((c) => `${JSON.stringify(c.name)}:`);
  let rows = 0;
  return {
    async write(batch: Field[][]) {
      let text = '';
      for (const row of batch) text += `{${row.map((v, i) => keys[i]! + jsonValue(v, kinds[i]!)).join(',')}}\n`;
      rows += batch.length;
      await file.write(Buffer.from(text, 'utf8'));
    },
    async close() {
      return { rows, ...(await file.close()) };
    },
    abort: () => file.abort(),
  };
}
