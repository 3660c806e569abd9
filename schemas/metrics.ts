import { z } from 'zod';

/** `terminated` and `timed_out`: runs Temporal ended without the workflow recording it (set by reconciliation). */
export const runStatusSchema = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'terminated', 'timed_out']);

/** One row of `dataops.runs`. */
export const runRowSchema = z.object({
  run_id: z.string(),
  job: z.string(),
  kind: z.string(),
  dataset: z.string(),
  department: z.string(),
  workflow_id: z.string(),
  temporal_run_id: z.string().nullable(),
  status: runStatusSchema,
  spec: z.unknown(),
  started_at: z.coerce.date(),
  ended_at: z.coerce.date().nullable(),
  records_in: z.coerce.number().nullable(),
  records_out: z.coerce.number().nullable(),
  records_rejected: z.coerce.number().nullable(),
  accuracy: z.coerce.number().nullable(),
  error: z.string().nullable(),
  /** The time the run is for: a scheduled run's scheduled time, else its start. */
  logical_date: z.coerce.date().nullable().optional(),
  /** The pipeline run this run is a step of. */
  parent_run_id: z.string().nullable().optional(),
  warnings: z.array(z.string()).nullable().optional(),
});

/** One row of `dataops.step_metrics`: written once per step, in the transaction that publishes it. */
export const stepMetricSchema = z.object({
  run_id: z.string(),
  step: z.string(),
  attempt: z.number().int().min(1),
  records_in: z.number().int().min(0),
  records_out: z.number().int().min(0),
  records_rejected: z.number().int().min(0),
  bytes: z.number().int().min(0),
  duration_ms: z.number().int().min(0),
});

/**
 * One quality indicator (DB31/T 1523-2024, GB/T 36344-2018): X = A / B. `column_name` is '' for
 * table-level figures; `parent` names the dimension an indicator rolls up into.
 */
export const qualityIndicatorSchema = z.object({
  run_id: z.string(),
  step: z.string(),
  table_name: z.string(),
  column_name: z.string(),
  indicator: z.string(),
  parent: z.string().nullable(),
  a: z.number().min(0),
  b: z.number().min(0),
  value: z.number().min(0).max(1).nullable(),
});

export type RunRow = z.infer<typeof runRowSchema>;
export type RunStatus = z.infer<typeof runStatusSchema>;
export type StepMetric = z.infer<typeof stepMetricSchema>;
export type QualityIndicator = z.infer<typeof qualityIndicatorSchema>;
