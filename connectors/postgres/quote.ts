import { splitTableRef, type TableRef } from '../../schemas/identifiers.ts';

/**
 * The project's one way of putting a name into SQL: always quoted, embedded quotes doubled, so a
 * column called `a; drop table x; --` is only ever a strange name, never SQL.
 */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` (or a bare `table` in `defaultSchema`), quoted. */
export function quoteTable(ref: TableRef | { schema: string; table: string }, defaultSchema = 'public'): string {
  const { schema, table } = typeof ref === 'string' ? splitTableRef(ref, defaultSchema) : ref;
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
