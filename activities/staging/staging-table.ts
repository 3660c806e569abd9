import { createHash } from 'node:crypto';
import type pg from 'pg';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';

export const STAGING_SCHEMA = 'dataops_staging';

/** A run-scoped table that survives worker crashes and is swapped into place on publish. */
export function stagingTableName(runId: string, step: string): string {
  const digest = createHash('sha256').update(`${runId}\u0000${step}`).digest('hex').slice(0, 20);
  return `${STAGING_SCHEMA}.${step.replace(/[^a-z0-9_]/g, '_')}_${digest}`;
}

/** How a service wants its staging table laid out. */
export interface StagingLayout {
  /** Columns the service looks rows up by inside its commits. */
  indexed?: readonly string[];
  /** Pages filled to this percentage, for a table that becomes one updated in place (merge targets). */
  fillfactor?: number;
  /**
   * Not WAL-logged: for a service whose staged rows never outlive their batch's transaction (streams move
   * them into the target in the same commit), so a crash that empties the table loses nothing.
   */
  unlogged?: boolean;
}

/** Drops any leftover of an earlier attempt and creates the staging table afresh. */
export async function createStagingTable(client: pg.ClientBase, table: string, columns: ColumnInfo[], layout: StagingLayout = {}): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${quoteTable(table)}`);
  const storage = layout.fillfactor ? ` WITH (fillfactor = ${Math.trunc(layout.fillfactor)})` : '';
  await client.query(
    `CREATE ${layout.unlogged ? 'UNLOGGED ' : ''}TABLE ${quoteTable(table)} (${columns.map((c) => `${quoteIdent(c.name)} ${c.pgType}`).join(', ')})${storage}`,
  );
  for (const column of layout.indexed ?? []) await client.query(`CREATE INDEX ON ${quoteTable(table)} (${quoteIdent(column)})`);
}
