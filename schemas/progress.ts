import { z } from 'zod';

/** What a running job reports to its workflow (by signal) and the CLI reads back (by query). */
export const progressSchema = z.object({
  phase: z.enum(['starting', 'staging', 'publishing', 'finishing', 'done', 'failed']),
  step: z.string().optional(),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Known for files; unknown (undefined) for tables and queries. */
  totalBytes: z.number().int().min(0).optional(),
  batches: z.number().int().min(0),
  attempt: z.number().int().min(1),
  updatedAt: z.string(),
});

export type Progress = z.infer<typeof progressSchema>;
