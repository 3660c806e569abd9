/**
 * pg returns bigint and numeric columns as strings (they need not fit a double). The counts in the
 * metrics schema do, so commands turn them into numbers right after reading, for tables and --json alike.
 */
export const COUNT_COLUMNS = {
  catalogueResources: ['row_count'],
  catalogueVersions: ['row_count'],
  catalogueColumns: ['rows', 'nulls', 'distinct_estimate', 'semantic_checked', 'semantic_valid'],
} as const;

/** The row with the named columns as numbers (null stays null); every other value, nested JSON included, untouched. */
export function withNumbers<T extends Record<string, unknown>>(row: T, columns: readonly string[]): T {
  const out: Record<string, unknown> = { ...row };
  for (const column of columns) if (typeof out[column] === 'string') out[column] = Number(out[column]);
  return out as T;
}

/** A row as the driver returns it, after `withNumbers`: the CLI formats fields it knows by name. */
// biome-ignore lint/suspicious/noExplicitAny: untyped database rows, read field by field by the CLI
export type CatalogueRow = Record<string, any>;
