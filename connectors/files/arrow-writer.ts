import { tableToIPC } from 'apache-arrow';
import type { Field } from '../source-chunk.ts';
import type { ExtractColumn, ExtractFileWriter } from './extract-writer.ts';
import { HashedFile } from './hashed-file.ts';
import { BatchBuffer } from './arrow-batches.ts';

/** An Arrow IPC file (the random-access "file" format, `ARROW1` magic) with typed columns. */
export async function openArrowWriter(path: string, columns: readonly ExtractColumn[]): Promise<ExtractFileWriter> {
  const file = await HashedFile.create(path);
  const buffer = new BatchBuffer(columns);
  return {
    async write(rows: Field[][]) {
      buffer.add(rows);
    },
    async close() {
      await file.write(tableToIPC(buffer.table(), 'file'));
      return { rows: buffer.rows, ...(await file.close()) };
    },
    abort: () => file.abort(),
  };
}
