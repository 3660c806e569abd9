import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';

export const fileSourceSchema = z
  .object({
    type: z.literal('file'),
    /** A `files` connection the path is relative to; without one, the path is relative to the job spec. */
    connection: slugSchema.optional(),
    path: z.string().min(1),
    format: z.enum(['csv', 'ndjson']).default('csv'),
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
  })
  .strict();

export const tableSourceSchema = z
  .object({
    type: z.literal('table'),
    connection: slugSchema,
    table: tableRefSchema,
    /** Column the collection orders by and resumes after; defaults to the single-column primary key. */
    key: columnNameSchema.optional(),
    columns: z.array(columnNameSchema).min(1).optional(),
  })
  .strict();

export const querySourceSchema = z
  .object({
    type: z.literal('query'),
    connection: slugSchema,
    sql: z.string().min(1),
    /** Without a key a retried collection restarts from the beginning instead of resuming. */
    key: columnNameSchema.optional(),
  })
  .strict();

export const collectSourceSchema = z.discriminatedUnion('type', [fileSourceSchema, tableSourceSchema, querySourceSchema]);

export type FileSource = z.infer<typeof fileSourceSchema>;
export type TableSource = z.infer<typeof tableSourceSchema>;
export type QuerySource = z.infer<typeof querySourceSchema>;
export type CollectSource = z.infer<typeof collectSourceSchema>;
