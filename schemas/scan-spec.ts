import { z } from 'zod';
import { slugSchema } from './identifiers.ts';

/**
 * Security scan (敏感数据暴露扫描): samples every table on the registered database connections and reports
 * columns holding unmasked personal data where they should not be (see governance/scan/).
 */
export const scanJobSpecFields = {
  kind: z.literal('scan'),
  /** The connections to scan (`centre` is the centre database); default: every postgres and mysql connection and the centre. */
  connections: z
    .array(slugSchema)
    .min(1)
    .refine((names) => new Set(names).size === names.length, 'lists a connection twice')
    .optional(),
  /** Rows sampled per table, at most. */
  sampleRows: z.number().int().min(10).max(100_000).default(1000),
  /** Share of a column's non-empty sampled values that must validate as one personal type for it to be reported. */
  minShare: z.number().gt(0).max(1).default(0.5),
  /** Fewer non-empty sampled values than this and a column is not judged (a handful of values can validate by chance). */
  minValues: z.number().int().min(1).max(100_000).default(3),
};
