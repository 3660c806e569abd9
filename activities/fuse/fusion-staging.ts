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

/** Writes rows into a fresh staging table of text columns (extra columns after the fixed ones: the golden fields). */
export class OutputWriter {
  private copy: CopyIn | undefined;
  private pending = '';
  rows = 0;

  private constructor(
    private readonly client: pg.Client,
    readonly table: string,
  ) {}

  static async open(client: pg.Client, table: string, columns: readonly string[]): Promise<OutputWriter> {
    await client.query(`DROP TABLE IF EXISTS ${quoteTable(table)}`);
    await client.query(`CREATE TABLE ${quoteTable(table)} (${columns.map((c) => `${quoteIdent(c)} text`).join(', ')})`);
    const w = new OutputWriter(client, table);
    w.copy = new CopyIn(client, `COPY ${quoteTable(table)} FROM STDIN (FORMAT text)`);
    return w;
  }

  async write(values: Field[]): Promise<void> {
    this.pending += copyTextRow(values);
    this.rows++;
    if (this.pending.length > 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pending) return;
    await this.copy!.write(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.copy!.finish();
  }
}

/** `{a,b}`: a PostgreSQL text array of safe names (source and field names). */
export function textArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}
