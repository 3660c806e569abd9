import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { wholeLines } from '../whole-lines.ts';

/** Streams `COPY (query) TO STDOUT` (text format) into `write` in pieces of whole rows of about `bytes` each. */
export async function copyOut(client: pg.ClientBase, query: string, write: (rows: Buffer) => Promise<void>, bytes = 8 * 1024 * 1024): Promise<void> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  let pending: Buffer[] = [];
  let size = 0;
  try {
    for await (const rows of wholeLines(stream as AsyncIterable<Buffer>)) {
      pending.push(rows);
      size += rows.length;
      if (size < bytes) continue;
      await write(Buffer.concat(pending));
      pending = [];
      size = 0;
    }
    if (size) await write(Buffer.concat(pending));
  } catch (error) {
    stream.destroy();
    throw error;
  }
}
