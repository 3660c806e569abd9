import { tableToIPC } from 'apache-arrow';
import type { Field } from '../source-chunk.ts';
import type { ExtractColumn, ExtractFileWriter } from './extract-writer.ts';
import { HashedFile } from './hashed-file.ts';
import { BatchBuffer } from './arrow-batches.ts';

/** parquet-wasm (the Rust parquet crate in WebAssembly, some 5 MB): loaded by the runs that write Parquet, not by every worker. */
async function parquetWasm() {
  return import('parquet-wasm');
}

/** A Parquet file (Snappy, one row group per 64k rows) of the same typed columns as the Arrow writer. */
export async function openParquetWriter(path: string, columns: readonly ExtractColumn[]): Promise<ExtractFileWriter> {
  const file = await HashedFile.create(path);
  const buffer = new BatchBuffer(columns);
  return {
    async write(rows: Field[][]) {
      buffer.add(rows);
    },
    async close() {
      const pq = await parquetWasm();
      const table = pq.Table.fromIPCStream(tableToIPC(buffer.table(), 'stream'));
      const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).setMaxRowGroupSize(65_536).build();
      await file.write(pq.writeParquet(table, props));
      return { rows: buffer.rows, ...(await file.close()) };
    },
    abort: () => file.abort(),
  };
}
