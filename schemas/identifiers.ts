import { z } from 'zod';

const IDENT = '[a-z_][a-z0-9_]{0,62}';
const TABLE_REF = new RegExp(`^(?:${IDENT}\\.)?${IDENT}$`);
/** PostgreSQL keeps 63 bytes of a name (NAMEDATALEN - 1) and silently cuts longer ones. */
export const MAX_NAME_BYTES = 63;
const UNUSABLE = /[\u0000-\u001f\u007f-\u009f"'`]/;

/**
 * Table references are lower-case `schema.table` or `table` identifiers. Anything else (quotes,
 * spaces, semicolons, upper case) is refused up front, so no SQL is ever built from unsafe names.
 */
export const tableRefSchema = z.string().regex(TABLE_REF, 'must be a safe table name like raw.residents (lower-case letters, digits, _; optional schema.)');

/**
 * Why a column name cannot be used, or undefined when it can. Department headers are Chinese
 * (姓名, 身份证号), carry spaces and brackets (出生日期(年月日)): any of that is fine, as every name reaches
 * SQL quoted. Refused: empty names, names with space at either end, control characters and quotes,
 * and names longer than PostgreSQL keeps.
 */
export function columnNameProblem(name: string): string | undefined {
  if (!name.trim()) return 'is empty';
  if (name !== name.trim()) return 'starts or ends with white space';
  const bad = UNUSABLE.exec(name);
  if (bad)
    return `contains ${bad[0] === '"' || bad[0] === "'" || bad[0] === '`' ? `the quote ${bad[0]}` : `the control character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`}`;
  const bytes = new TextEncoder().encode(name).length;
  if (bytes > MAX_NAME_BYTES) return `is ${bytes} bytes long in UTF-8; PostgreSQL keeps ${MAX_NAME_BYTES} (a Chinese character takes 3)`;
  return undefined;
}

export const columnNameSchema = z.string().superRefine((name, ctx) => {
  const problem = columnNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: `column name ${JSON.stringify(name)} ${problem}` });
});

/** Names of jobs, datasets, departments and connections: readable, URL- and id-safe. */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lower-case letters, digits, ".", "_" or "-" (max 63 chars)');

export type TableRef = z.infer<typeof tableRefSchema>;

export function splitTableRef(ref: TableRef, defaultSchema = 'public'): { schema: string; table: string } {
  const [first, second] = ref.split('.');
  return second === undefined ? { schema: defaultSchema, table: first! } : { schema: first!, table: second };
}
