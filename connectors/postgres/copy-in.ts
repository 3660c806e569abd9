import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { once } from 'node:events';

/** Bytes a COPY may have queued in this process before the writer waits. */
const QUEUE_BYTES = 4 * 1024 * 1024;

/** A `COPY ... FROM STDIN` that takes buffers with backpressure. */
export class CopyIn {
  private readonly stream: ReturnType<typeof copyFrom>;
  private failure: Error | undefined;
  /** Rejects on the stream's first error: one listener for the whole COPY, not one per wait. */
  private readonly failed: Promise<never>;

  constructor(client: pg.Client | pg.PoolClient, sql: string) {
    this.stream = client.query(copyFrom(sql));
    this.failed = new Promise<never>((_, reject) => {
      this.stream.on('error', (error: Error) => {
        this.failure = error;
        reject(error);
      });
    });
    this.failed.catch(() => undefined);
  }

  async write(payload: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    // Waiting for 'drain' after every chunk made the caller idle until PostgreSQL had read nearly all of
    // it, and PostgreSQL idle while the caller parsed the next: let a few MiB queue so both keep working.
    if (!this.stream.write(payload) && this.stream.writableLength > QUEUE_BYTES) {
      await Promise.race([once(this.stream, 'drain'), this.failed]);
    }
  }

  /** Abandons the COPY (the server receives CopyFail and the rows are discarded with the transaction). */
  abort(reason: string): void {
    if (!this.stream.destroyed) this.stream.destroy(new Error(reason));
  }

  /** Ends the COPY; resolves once the server has stored every row. */
  async finish(): Promise<number> {
    if (this.failure) throw this.failure;
    const done = Promise.race([once(this.stream, 'finish'), this.failed]);
    this.stream.end();
    await done;
    return Number(this.stream.rowCount ?? 0);
  }
}
