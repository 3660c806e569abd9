import { z } from 'zod';

/** Counts a staging activity has reached: its heartbeat details, read live by `dataops status` and `run --wait`. */
export const liveCountsSchema = z.object({
  step: z.string(),
  /** Source records read (committed and in the open batch). */
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  /** Known for files (their content size). */
  totalBytes: z.number().int().min(0).optional(),
  /** The planner's row estimate for table sources. */
  totalRows: z.number().int().min(0).optional(),
  batches: z.number().int().min(0),
  /** Records quarantined so far, for services that reject. */
  rejected: z.number().int().min(0).optional(),
  /** Streams: records written, messages recognised as already written, messages still waiting in the broker, the last broker sequence committed. */
  written: z.number().int().min(0).optional(),
  duplicates: z.number().int().min(0).optional(),
  lag: z.number().int().min(0).optional(),
  lastSequence: z.number().int().min(0).optional(),
});

/** What a running job reports to its workflow (by signal) and the CLI reads back (by query): the live counts and where the run is. */
export const progressSchema = liveCountsSchema.extend({
  phase: z.enum(['starting', 'staging', 'publishing', 'finishing', 'done', 'failed']),
  step: z.string().optional(),
  /** A pipeline: the workflow id of the step running now, whose own progress is the live one. */
  child: z.string().optional(),
  attempt: z.number().int().min(1),
  updatedAt: z.string(),
});

export type LiveCounts = z.infer<typeof liveCountsSchema>;
export type Progress = z.infer<typeof progressSchema>;
