import { z } from 'zod';

const IDENT = '[a-z_][a-z0-9_]{0,62}';
const TABLE_REF = new RegExp(`^(?:${IDENT}\\.)?${IDENT}$`);
const COLUMN = new RegExp(`^${IDENT}$`);

/**
 * Table references are lower-case `schema.table` or `table` identifiers. Anything else (quotes,
 * spaces, semicolons, upper case) is refused up front, so no SQL is ever built from unsafe names.
 */
export const tableRefSchema = z.string().regex(TABLE_REF, 'must be a safe table name like raw.residents (lower-case letters, digits, _; optional schema.)');

export const columnNameSchema = z.string().regex(COLUMN, 'must be a safe column name (lower-case letters, digits and _, starting with a letter or _)');

/** Names of jobs, datasets, departments and connections: readable, URL- and id-safe. */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lower-case letters, digits, ".", "_" or "-" (max 63 chars)');

export type TableRef = z.infer<typeof tableRefSchema>;

export function splitTableRef(ref: TableRef, defaultSchema = 'public'): { schema: string; table: string } {
  const [first, second] = ref.split('.');
  return second === undefined ? { schema: defaultSchema, table: first! } : { schema: first!, table: second };
}
