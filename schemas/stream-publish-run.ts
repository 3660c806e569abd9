import { z } from 'zod';
import { streamPublishJobSpecSchema } from './job-spec.ts';

/** Counts a following run carries from one continued run to the next. */
export const publishTotalsSchema = z.object({
  passes: z.number().int().min(0),
  /** Changed rows published (each confirmed by the broker, once). */
  rows: z.number().int().min(0),
  /** Re-sends after a crash that the broker dropped by message id. */
  duplicates: z.number().int().min(0),
});

/** The streamPublish workflow's input: a validated spec and the run id; a following run continued as new also its next pass and totals. */
export const streamPublishWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: streamPublishJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
  /** The pass to run next (continue-as-new). */
  pass: z.number().int().min(1).optional(),
  totals: publishTotalsSchema.optional(),
  /** Passes per workflow run before continuing as new (default 1,000, or sooner when Temporal suggests it). */
  passesPerRun: z.number().int().min(1).optional(),
});

/** One pass: the rows changed since the watermark, published, confirmed and checkpointed batch by batch. */
export const publishPassSummarySchema = z.object({
  /** The pass's checkpoint and step-metrics name: `stream-publish`, or `stream-publish.<n>` when following. */
  step: z.string(),
  rows: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  bytes: z.number().int().min(0),
  batches: z.number().int().min(0),
  attempt: z.number().int().min(1),
  resumedFromRow: z.number().int().min(0),
  /** `jetstream <stream> on nats connection "..."`. */
  target: z.string(),
  /** JetStream: the stream's duplicate window in ms, as checked at the start. */
  duplicateWindowMs: z.number().int().min(0).optional(),
  /** Where the watermark stands after the pass (null: nothing published yet, ever). */
  watermark: z.object({ cursor: z.string(), key: z.string() }).nullable(),
  /** Columns that left masked, by mask, and the key version of pseudonyms. */
  masked: z.record(z.string(), z.string()),
  keyVersion: z.string().optional(),
});

export const streamPublishResultSchema = z.object({
  runId: z.string(),
  /** A single-pass run: its pass. */
  pass: publishPassSummarySchema,
  totals: publishTotalsSchema,
});

export type StreamPublishWorkflowInput = z.infer<typeof streamPublishWorkflowInputSchema>;
export type PublishPassSummary = z.infer<typeof publishPassSummarySchema>;
export type PublishTotals = z.infer<typeof publishTotalsSchema>;
export type StreamPublishResult = z.infer<typeof streamPublishResultSchema>;
