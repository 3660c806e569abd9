import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';
import { runOptionsSchema } from './run-options.ts';
import { maskingPolicySchema } from './masking.ts';

/** A governed table in the centre: the dataset's published table (by its catalogue entry) or one named. */
export const distributeSourceSchema = z
  .object({
    /** Default: the job's dataset. */
    dataset: slugSchema.optional(),
    /** A centre table instead of a dataset's (e.g. `clean.residents`). */
    table: tableRefSchema.optional(),
    /** The columns to send, in order (default: all). */
    columns: z.array(columnNameSchema).min(1).optional(),
    /** The unique, non-null column the copy is ordered by and resumes after (default: the table's single-column primary key). */
    key: columnNameSchema.optional(),
  })
  .strict()
  .refine((s) => !(s.dataset && s.table), { message: 'give the dataset or the table, not both' });

export const distributeTargetSchema = z
  .object({
    /** A `postgres` or `mysql` connection of the department. */
    connection: slugSchema,
    /** `schema.table` on PostgreSQL; `table` (in the connection's database) or `database.table` on MySQL / MariaDB. */
    table: tableRefSchema,
    /** `full`: the table is loaded beside the old one and swapped in atomically, so readers never see half of it. */
    mode: z.enum(['full']).default('full'),
    /** When the target exists with other columns: `fail` (default) refuses before any row moves; `rebuild` replaces it. */
    schemaChange: z.enum(['fail', 'rebuild']).default('fail'),
  })
  .strict();

/** Table distribution (数据库表下发): a governed table copied to a department's database. */
export const distributeJobSpecFields = {
  kind: z.literal('distribute'),
  source: distributeSourceSchema.default({}),
  target: distributeTargetSchema,
  /**
   * How columns leave the centre (default per column: its personal type's mask, redact at L3/L4, else
   * unmasked); a column above the target connection's maxUnmaskedLevel may not leave unmasked.
   */
  masks: maskingPolicySchema.default({}),
  options: runOptionsSchema,
};
