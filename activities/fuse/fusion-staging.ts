// The match step's output, staged for publishing: one run-scoped table per kind of row.
import type pg from 'pg';
import { CopyIn } from '../../connectors/postgres/copy-in.ts';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { Field } from '../../connectors/source-chunk.ts';
import { stagingTableName } from '../staging/staging-table.ts';

export const MATCH_STEP = 'fuse_match';

export const OUTPUT_TABLES = {
  golden: ['entity_id', 'status', 'digest', 'record_count', 'sources', 'conflicts', 'lineage'],
  members: ['source', 'record_id', 'entity_id', 'digest'],
  links: ['entity_id', 'left_ref', 'right_ref', 'score', 'explanation'],
  reviews: ['kind', 'entity_id', 'other_entity_id', 'field', 'left_ref', 'right_ref', 'score', 'detail'],
  events: ['event', 'entity_id', 'detail'],
  /** Entities whose current version ends this run: changed, retired, merged into another. */
  ended: ['entity_id'],
} as const;

export type OutputKind = keyof typeof OUTPUT_TABLES;

export function outputTable(runId: string, kind: OutputKind): string {
  return stagingTableName(runId, `${MATCH_STEP}_${kind}`);
}

/**
 * Collects one output table's rows (as COPY text, in pieces), then creates the table and copies them in.
 * Tables are written one after the other: a connection runs one COPY at a time, and the match step
 * produces rows of every kind at once.
 */
export class OutputWriter {
  private readonly pieces: Buffer[] = [];
  private pending = '';
  rows = 0;

  constructor(
    readonly table: string,
    private readonly columns: readonly string[],
  ) {}

  write(values: Field[]): void {
    this.pending += copyTextRow(values);
    this.rows++;
    if (this.pending.length > 1 << 20) this.cut();
  }

  private cut(): void {
    if (!this.pending) return;
    this.pieces.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }

  async finish(client: pg.Client): Promise<void> {
    this.cut();
    await client.query(`DROP TABLE IF EXISTS ${quoteTable(this.table)}`);
    // Unlogged (no WAL): publishing counts the rows against the match's summary and matches again if a restart emptied it.
    await client.query(`CREATE UNLOGGED TABLE ${quoteTable(this.table)} (${this.columns.map((c) => `${quoteIdent(c)} text`).join(', ')})`);
    const copy = new CopyIn(client, `COPY ${quoteTable(this.table)} FROM STDIN (FORMAT text)`);
    for (const piece of this.pieces.splice(0)) await copy.write(piece);
    await copy.finish();
  }
}

/** `{a,b}`: a PostgreSQL text array of safe names (source and field names). */
export function textArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}
