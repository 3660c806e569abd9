import type pg from 'pg';
import { CopyIn } from '../../connectors/postgres/copy-in.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';
import { createStagingTable, type StagingLayout } from './staging-table.ts';
import type { BatchSink } from './batch-sink.ts';

export class WidenToTextError extends Error {
  override readonly name = 'WidenToTextError';
  constructor(readonly columns: string[]) {
    super(`columns ${columns.join(', ')} need text after all`);
  }
}

/**
 * Where a service writes its batch: one transaction per batch holding a streaming COPY into the
 * run's staging table, whatever else the service commits with it, and, when a column's values
 * outgrow its type, the ALTER that widens it. The table is created with the first rows, so a service
 * may settle its column types on the first chunk.
 */
export class StagingSink implements BatchSink {
  private copy: CopyIn | undefined;
  private inTransaction = false;

  constructor(
    private readonly client: pg.Client,
    readonly table: string,
    /** The staging columns; before the table exists a service may still set their types. */
    public columns: ColumnInfo[],
    private readonly copyOptions: string,
    private ready: boolean,
    private readonly layout: StagingLayout,
    /** Records the new table's columns (in the creating transaction). */
    private readonly onCreate: (columns: ColumnInfo[]) => Promise<void>,
  ) {}

  /** Creates the staging table, with its checkpoint, unless it exists. */
  async ensure(): Promise<void> {
    if (this.ready) return;
    await this.client.query('BEGIN');
    await createStagingTable(this.client, this.table, this.columns, this.layout);
    await this.onCreate(this.columns);
    await this.client.query('COMMIT');
    this.ready = true;
  }

  get created(): boolean {
    return this.ready;
  }

  private copySql(): string {
    const names = this.columns.map((c) => quoteIdent(c.name)).join(', ');
    // In CSV a quoted "" is an empty string: for typed columns it must mean NULL, as it does for the profiler.
    const typed = this.columns.filter((c) => c.pgType !== 'text').map((c) => quoteIdent(c.name));
    const forceNull = this.copyOptions.includes('FORMAT csv') && typed.length ? `, FORCE_NULL (${typed.join(', ')})` : '';
    return `COPY ${quoteTable(this.table)} (${names}) FROM STDIN WITH (${this.copyOptions}${forceNull})`;
  }

  private async begin(): Promise<void> {
    if (!this.inTransaction) {
      await this.client.query('BEGIN');
      this.inTransaction = true;
    }
  }

  async write(payload: Buffer): Promise<void> {
    if (!payload.length) return;
    await this.ensure();
    if (!this.copy) {
      await this.begin();
      this.copy = new CopyIn(this.client, this.copySql());
    }
    await this.copy.write(payload);
  }

  /** Widens column types inside the current batch's transaction (rewrites rows staged so far). */
  async widen(changes: { name: string; pgType: string }[]): Promise<void> {
    if (!changes.length) return;
    // A typed value cast back to text comes out in PostgreSQL's canonical form (T -> true, times
    // reformatted), not as the file wrote it: widening to text means restaging as text.
    if (changes.some((c) => c.pgType === 'text')) throw new WidenToTextError(changes.filter((c) => c.pgType === 'text').map((c) => c.name));
    await this.finishCopy();
    await this.begin();
    const clauses = changes.map((c) => `ALTER COLUMN ${quoteIdent(c.name)} TYPE ${c.pgType} USING ${quoteIdent(c.name)}::text::${c.pgType}`);
    await this.client.query(`ALTER TABLE ${quoteTable(this.table)} ${clauses.join(', ')}`);
    const byName = new Map(changes.map((c) => [c.name, c.pgType]));
    this.columns = this.columns.map((c) => ({ ...c, pgType: byName.get(c.name) ?? c.pgType }));
  }

  /** Ends the open COPY stream (rows stay in the batch's transaction); the next write starts another. */
  async endStream(): Promise<void> {
    await this.finishCopy();
  }

  private async finishCopy(): Promise<void> {
    if (this.copy) {
      const copy = this.copy;
      this.copy = undefined;
      await copy.finish();
    }
  }

  /** Ends the batch: the rows, then whatever `work` writes (one COPY at a time per connection), commit together. */
  async commit(work: () => Promise<void>): Promise<void> {
    await this.finishCopy();
    await this.begin();
    await work();
    await this.client.query('COMMIT');
    this.inTransaction = false;
  }

  /** Fails an open COPY first: a ROLLBACK queued behind it would wait forever. */
  async abort(): Promise<void> {
    this.copy?.abort('staging failed');
    this.copy = undefined;
    await this.client.query('ROLLBACK').catch(() => undefined);
    this.inTransaction = false;
  }
}
