import { splitTableRef, type TableRef } from '../../schemas/identifiers.ts';

/** Quotes an identifier that has already passed the identifier schema (belt and braces). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteTable(ref: TableRef, defaultSchema = 'public'): string {
  const { schema, table } = splitTableRef(ref, defaultSchema);
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
