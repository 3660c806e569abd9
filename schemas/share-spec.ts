import { z } from 'zod';
import { slugSchema, tableRefSchema } from './identifiers.ts';
import { runOptionsSchema } from './run-options.ts';
import { maskingPolicySchema } from './masking.ts';
import { centreTableSourceSchema } from './distribute-spec.ts';
import { rowFilterSchema } from './row-filter.ts';

export const SHARE_FILE_FORMATS = ['csv', 'ndjson', 'parquet', 'arrow'] as const;

/** The extract as a table in the consumer's database, loaded and swapped in as a distribution is. */
export const shareTableOutputSchema = z
  .object({
    /** A `postgres` or `mysql` connection of the consumer. */
    connection: slugSchema,
    table: tableRefSchema,
    schemaChange: z.enum(['fail', 'rebuild']).default('fail'),
  })
  .strict();

/**
 * The extract as files in a folder: a `files` connection (its root and its maxUnmaskedLevel live in
 * the config, so no server path sits in a spec). Each run writes `<path>/<run>/` with manifest.json.
 */
export const shareFilesOutputSchema = z
  .object({
    connection: slugSchema,
    /** A folder under the connection's root (default: the job's name); it may not climb out of the root. */
    path: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9._-]*(\/[A-Za-z0-9_][A-Za-z0-9._-]*)*$/, 'must be a relative folder like civil-affairs/residents')
      .optional(),
    format: z.enum(SHARE_FILE_FORMATS),
    /** Rows per file (default 1,000,000 for csv and ndjson, 200,000 for parquet and arrow, whose files are built in memory). */
    rowsPerFile: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict();

export const shareOutputSchema = z.union([z.object({ table: shareTableOutputSchema }).strict(), z.object({ files: shareFilesOutputSchema }).strict()]);

/** A date (valid through that day in the centre's time zone, Asia/Shanghai) or an instant with its offset. */
export const shareExpirySchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** Data sharing (数据共享): an extract of a governed table for a consumer department, for a purpose, until a date. */
export const shareJobSpecFields = {
  kind: z.literal('share'),
  /** The department receiving the extract. */
  consumer: slugSchema,
  /** Why the consumer receives it (recorded in the manifest and the run). */
  purpose: z.string().trim().min(1).max(2000),
  /** A run after this is refused before any row moves. */
  expires: shareExpirySchema,
  source: centreTableSourceSchema.default({}),
  /** Which rows leave: a structured filter (no SQL text); default every row. */
  filter: rowFilterSchema.optional(),
  /** As for distribute: a column above the output's maxUnmaskedLevel may not leave unmasked. */
  masks: maskingPolicySchema.default({}),
  output: shareOutputSchema,
  options: runOptionsSchema,
};
