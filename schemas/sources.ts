import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';
import { durationSchema } from './duration.ts';
import { globProblem, isGlob } from './file-glob.ts';

/** Source column (a header as written) -> published name, e.g. `姓名: name`. */
const renameSchema = z.record(z.string().min(1), columnNameSchema);

/**
 * Reads only rows changed since the last sync: rows whose (cursor, key) comes after the watermark the
 * last successful run stored, and whose cursor is older than `lag` (so rows of transactions still
 * committing are left for the next run instead of being skipped for good).
 */
export const incrementalSchema = z
  .object({
    /** A timestamp column the source sets on every insert and update (e.g. updated_at). */
    cursor: columnNameSchema,
    /** A unique, non-null column breaking ties between equal cursor values (default: the source's key). */
    key: columnNameSchema.optional(),
    /** Longer than the source's longest write transaction (default 5m). */
    lag: durationSchema.default('5m'),
  })
  .strict();

/**
 * Key ranges read at once, each by its own activity on any worker (default 1). The source is split by
 * its key: integer keys into equal spans between min and max, other keys at sampled quantiles.
 */
const parallelismSchema = z.number().int().min(1).max(16).optional();

function refuseParallelIncremental(source: { parallelism?: number; incremental?: unknown }, ctx: z.RefinementCtx): void {
  if ((source.parallelism ?? 1) > 1 && source.incremental) {
    ctx.addIssue({
      code: 'custom',
      path: ['parallelism'],
      message: 'an incremental sync reads its changes in one (cursor, key) order and cannot be split into key ranges yet: drop parallelism or incremental',
    });
  }
}

/** How columns without a rename are named: as written, pinyin ASCII names (姓名 -> xing_ming), or col_1..n. */
const columnNamingSchema = z.enum(['keep', 'pinyin', 'position']).default('keep');

export const fileSourceSchema = z
  .object({
    type: z.literal('file'),
    /** A `files` connection the path is relative to; without one, the path is relative to the job spec. */
    connection: slugSchema.optional(),
    /**
     * A file, or a glob for a folder (`incoming/*.csv`, `incoming/**\/*.csv`): into a `replace` or
     * `version` target every matching file is read as one table; into `append` or `merge` each new
     * file once (by name, size and content hash), in name order.
     */
    path: z
      .string()
      .min(1)
      .superRefine((path, ctx) => {
        const problem = isGlob(path) ? globProblem(path) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', message: `not a usable glob: ${problem}` });
      }),
    /** Globs: files modified more recently than this may still be being written and wait for the next run. */
    minAge: durationSchema.default('30s'),
    /** Globs: the most files one run takes (the rest wait for the next run; a replace target refuses more). */
    maxFiles: z.number().int().min(1).max(100_000).default(1000),
    format: z.enum(['csv', 'ndjson']).default('csv'),
    /** `auto` reads gzip files (recognised by their first bytes) as well as plain ones; `none` refuses gzip. */
    compression: z.enum(['auto', 'gzip', 'none']).default('auto'),
    /** `auto` reads UTF-8 and falls back to GBK when the first 64 KiB are not valid UTF-8. */
    encoding: z.enum(['auto', 'utf-8', 'gbk', 'gb18030']).default('auto'),
    /** One ASCII character; in GBK files multi-byte characters could not be told apart from it. */
    delimiter: z
      .string()
      .regex(/^[\x01-\x7f]$/, 'delimiter must be one ASCII character')
      .refine((d) => d !== '\n' && d !== '\r' && d !== '"', 'delimiter cannot be a line break or a quote')
      .default(','),
    /** `"` or `'`: bytes that never occur inside a GBK character. */
    quote: z.enum(['"', "'"]).default('"'),
    header: z.literal(true, { message: 'files need a header row naming the columns' }).default(true),
    /** Renames headers; the header is kept in the catalogue as the column's label. */
    columns: renameSchema.optional(),
    columnNames: columnNamingSchema,
    /** Only 1: files are read in one pass (key ranges split tables and queries). */
    parallelism: z.literal(1, { message: 'a file is read in one pass: parallelism (key ranges) applies to table and query sources' }).optional(),
  })
  .strict();

export const tableSourceSchema = z
  .object({
    type: z.literal('table'),
    connection: slugSchema,
    table: tableRefSchema,
    /** Column the collection orders by and resumes after; defaults to the single-column primary key. */
    key: columnNameSchema.optional(),
    /** The columns to copy, in order; as a map, also their published names. */
    columns: z.union([z.array(columnNameSchema).min(1), renameSchema]).optional(),
    columnNames: columnNamingSchema,
    incremental: incrementalSchema.optional(),
    parallelism: parallelismSchema,
  })
  .strict()
  .superRefine(refuseParallelIncremental);

export const querySourceSchema = z
  .object({
    type: z.literal('query'),
    connection: slugSchema,
    sql: z.string().min(1),
    /** Without a key a retried collection restarts from the beginning instead of resuming. */
    key: columnNameSchema.optional(),
    /** Renames result columns (or alias them in the SQL). */
    columns: renameSchema.optional(),
    columnNames: columnNamingSchema,
    incremental: incrementalSchema.optional(),
    parallelism: parallelismSchema,
  })
  .strict()
  .superRefine(refuseParallelIncremental)
  .superRefine((source, ctx) => {
    if ((source.parallelism ?? 1) > 1 && !source.key && !source.incremental?.key) {
      ctx.addIssue({
        code: 'custom',
        path: ['parallelism'],
        message: 'a query is split into key ranges by its key: set key (a unique, non-null column) to use parallelism',
      });
    }
  });

export const collectSourceSchema = z.discriminatedUnion('type', [fileSourceSchema, tableSourceSchema, querySourceSchema]);

export type FileSource = z.infer<typeof fileSourceSchema>;
export type TableSource = z.infer<typeof tableSourceSchema>;
export type QuerySource = z.infer<typeof querySourceSchema>;
export type CollectSource = z.infer<typeof collectSourceSchema>;
