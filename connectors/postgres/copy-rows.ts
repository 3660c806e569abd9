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
 * only when a piece went out: await it before writing on.
 */
export class CopyRows {
  private pending = '';
  rows = 0;

  private constructor(private readonly copy: CopyIn) {}

  static open(client: pg.Client, table: string, columns: readonly string[]): CopyRows {
    return new CopyRows(new CopyIn(client, copySql(table, columns)));
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
    return this.copy.write(piece);
  }

  /** Abandons the COPY: the server discards its rows, and the transaction is left to roll back. */
  abort(reason: string): void {
    this.pending = '';
    this.copy.abort(reason);
  }

  /** Ends the COPY once every row is stored; returns the rows the server counted. */
  async finish(): Promise<number> {
    if (this.pending) await this.flush();
    const stored = await this.copy.finish();
    if (stored !== this.rows) throw new Error(`COPY stored ${stored} rows of ${this.rows}`);
    return stored;
  }
}

/** Rows gathered as COPY text (outside the JavaScript heap, in pieces) to be copied later, into one table or several. */
export class CopyTextBuffer {
  private pending = '';
  private readonly pieces: Buffer[] = [];
  rows = 0;

  writeLine(line: string): void {
    this.pending += line;
    this.rows++;
    if (this.pending.length >= PIECE_CHARS) this.cut();
  }

  private cut(): void {
    if (!this.pending) return;
    this.pieces.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }

  async copyInto(client: pg.Client, table: string, columns: readonly string[]): Promise<number> {
    this.cut();
    const copy = new CopyIn(client, copySql(table, columns));
    for (const piece of this.pieces) await copy.write(piece);
    const stored = await copy.finish();
    if (stored !== this.rows) throw new Error(`COPY stored ${stored} rows of ${this.rows}`);
    return stored;
  }
}

function copySql(table: string, columns: readonly string[]): string {
  return `COPY ${quoteTable(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN (FORMAT text)`;
}
