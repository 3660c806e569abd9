import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';
import { runOptionsSchema } from './run-options.ts';
import { maskingPolicySchema } from './masking.ts';
import { incrementalSchema } from './sources.ts';
import { mergeDeletesSchema } from './merge-deletes.ts';

/** A governed table in the centre: the dataset's published table (by its catalogue entry) or one named. */
export const centreTableFields = {
  /** Default: the job's dataset. */
  dataset: slugSchema.optional(),
  /** A centre table instead of a dataset's (e.g. `clean.residents`). */
  table: tableRefSchema.optional(),
  /** The columns to send, in order (default: all). */
  columns: z.array(columnNameSchema).min(1).optional(),
  /** The unique, non-null column the copy is ordered by and resumes after (default: the table's single-column primary key). */
  key: columnNameSchema.optional(),
};

export const oneTable = (s: { dataset?: string; table?: string }) => !(s.dataset && s.table);

/** What a share extracts: a centre table read whole, in one pass. */
export const centreTableSourceSchema = z.object(centreTableFields).strict().refine(oneTable, { message: 'give the dataset or the table, not both' });

export const distributeSourceSchema = z
  .object({
    ...centreTableFields,
    /** For `target.mode: incremental`: the rows whose (cursor, key) come after the last run's, as an incremental collection reads them. */
    incremental: incrementalSchema.optional(),
    /**
     * Split a full distribution into this many key ranges copied side by side by their own activities
     * (on any worker), each resumable after its last key, into one shadow swapped in once. Needs an integer key.
     */
    parallelism: z.number().int().min(1).max(16).optional(),
  })
  .strict()
  .refine(oneTable, { message: 'give the dataset or the table, not both' });

export const distributeTargetSchema = z
  .object({
    /** A `postgres` or `mysql` connection of the department. */
    connection: slugSchema,
    /** `schema.table` on PostgreSQL; `table` (in the connection's database) or `database.table` on MySQL / MariaDB. */
    table: tableRefSchema,
    /**
     * `full`: the table is loaded beside the old one and swapped in atomically, so readers never see half of it.
     * `incremental`: the rows changed since the last run (source.incremental) are upserted by key in one
     * transaction; the watermark advances only after the target committed.
     */
    mode: z.enum(['full', 'incremental']).default('full'),
    /**
     * When the target exists with other columns: `fail` (default) refuses before any row moves;
     * `add_columns` adds the new ones (an incremental run then sends every row once); `rebuild` replaces the table.
     */
    schemaChange: z.enum(['fail', 'add_columns', 'rebuild']).default('fail'),
    /** For incremental: rows the centre marks deleted (`column`) or whose keys are gone from it (`compareKeys`) leave the target. */
    deletes: mergeDeletesSchema.optional(),
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

/** Problems that depend on several fields: how the mode, the change cursor and deletes go together. */
export function distributeSpecIssues(spec: {
  source: { incremental?: unknown; parallelism?: number };
  target: { mode: string; deletes?: unknown };
}): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (spec.target.mode === 'incremental' && !spec.source.incremental) {
    issues.push({
      path: ['source', 'incremental'],
      message: 'an incremental distribution needs source.incremental: { cursor: <a timestamp the centre sets on every change>, key }',
    });
  }
  if (spec.target.mode !== 'incremental' && spec.source.incremental) {
    issues.push({ path: ['source', 'incremental'], message: 'source.incremental is read by target.mode: incremental (a full distribution sends every row)' });
  }
  if (spec.target.mode === 'incremental' && (spec.source.parallelism ?? 1) > 1) {
    issues.push({ path: ['source', 'parallelism'], message: 'an incremental distribution sends the changes in one pass: parallelism splits a full one' });
  }
  if (spec.target.mode !== 'incremental' && spec.target.deletes) {
    issues.push({
      path: ['target', 'deletes'],
      message: 'a full distribution replaces the whole table, deletes included: deletes is for target.mode: incremental',
    });
  }
  return issues;
}
