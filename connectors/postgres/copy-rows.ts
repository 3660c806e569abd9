import type pg from 'pg';
import type { Field } from '../source-chunk.ts';
import { CopyIn } from './copy-in.ts';
import { copyTextRow } from './copy-text.ts';
import { quoteIdent, quoteTable } from './quote.ts';

/** Text gathered before it goes to the server as one piece. */
const PIECE_CHARS = 256 * 1024;

/**
 * Rows streamed into a table by `COPY ... FROM STDIN (FORMAT text)` while the caller is still producing
 * them, so PostgreSQL stores one piece while this process builds the next. `write` returns a promise
 * only when a piece went out: await it before writing on. With `keep`, the pieces are also kept for
 * `replay` into a second table of the same columns.
 */
export class CopyRows {
  private pending = '';
  private readonly kept: Buffer[] | null;
  rows = 0;

  private constructor(
    private readonly copy: CopyIn,
    keep: boolean,
  ) {
    this.kept = keep ? [] : null;
  }

  static open(client: pg.Client, table: string, columns: readonly string[], { keep = false } = {}): CopyRows {
    return new CopyRows(new CopyIn(client, copySql(table, columns)), keep);
  }

  write(values: Field[]): Promise<void> | undefined {
    return this.writeLine(copyTextRow(values));
  }

  /** A row already in COPY text, newline included. */
  writeLine(line: string): Promise<void> | undefined {
    this.pending += line;
    this.rows++;
    return this.pending.length >= PIECE_CHARS ? this.flush() : undefined;
  }

  private flush(): Promise<void> {
    const piece = Buffer.from(this.pending, 'utf8');
    this.pending = '';
    this.kept?.push(piece);
    return this.copy.write(piece);
  }

  /** Ends the COPY once every row is stored; returns the rows the server counted. */
  async finish(): Promise<number> {
    if (this.pending) await this.flush();
    const stored = await this.copy.finish();
    if (stored !== this.rows) throw new Error(`COPY stored ${stored} rows of ${this.rows}`);
    return stored;
  }

  /** Copies the kept rows (after `finish`) into another table of the same columns. */
  async replay(client: pg.Client, table: string, columns: readonly string[]): Promise<number> {
    if (!this.kept) throw new Error('replay needs a CopyRows opened with keep');
    const copy = new CopyIn(client, copySql(table, columns));
    for (const piece of this.kept) await copy.write(piece);
    return copy.finish();
  }
}

function copySql(table: string, columns: readonly string[]): string {
  return `COPY ${quoteTable(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT text)`;
}
