/** A table a scan samples: `schema` is the PostgreSQL schema or the MySQL / MariaDB database. */
export interface SampledTable {
  schema: string;
  table: string;
  /** The columns whose type can hold the values a scan looks for (text, big integers, decimals). */
  columns: string[];
  /** The database's own estimate (statistics), null when it has none. */
  estimatedRows: number | null;
}

/** Longer values cannot be any type a scan validates (an e-mail address has at most 254 characters). */
export const SAMPLED_VALUE_CHARS = 256;

/**
 * The reading half of a security scan, one implementation per kind of database: lists the tables and
 * reads a bounded sample of each as text, never more than `rows` rows.
 */
export interface TableSampler {
  readonly kind: 'postgres' | 'mysql';
  /** Base tables (and materialized views) with at least one such column, in name order. Views and foreign tables are left out. */
  tables(): Promise<SampledTable[]>;
  /** At most `rows` rows of the listed columns as text (cut to SAMPLED_VALUE_CHARS), column by column. */
  sample(table: SampledTable, rows: number): Promise<(string | null)[][]>;
  /** Why a failed sample means "skip this table" (no privilege, dropped meanwhile, locked, too slow); undefined for other errors. */
  skipReason(error: unknown): string | undefined;
  close(): Promise<void>;
}

/** Rows as arrays, turned column by column. */
export function byColumn(rows: readonly unknown[][], columns: number): (string | null)[][] {
  const out: (string | null)[][] = Array.from({ length: columns }, () => new Array<string | null>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns; c++) {
      const v = row[c];
      out[c]![r] = v === null || v === undefined ? null : String(v);
    }
  }
  return out;
}
