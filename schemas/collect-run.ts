import { z } from 'zod';
import { collectJobSpecSchema } from './job-spec.ts';

/** The collect workflow's input: a validated spec and the run id; references only, never rows or secrets. */
export const collectWorkflowInputSchema = z.object({
  /** Omitted by schedules: each scheduled run is named by its own workflow id. */
  runId: z.string().min(1).optional(),
  spec: collectJobSpecSchema,
  /** The pipeline run this run is a step of. */
  parentRunId: z.string().optional(),
  /** Handed down by a pipeline: the time its steps run for. */
  logicalDate: z.string().optional(),
});

/** Small summaries activities hand back to the workflow. */
export const stageSummarySchema = z.object({
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  batches: z.number().int().min(0),
  attempt: z.number().int().min(1),
  resumedFromRow: z.number().int().min(0),
  stagingTable: z.string(),
});

export const publishSummarySchema = z.object({
  table: z.string(),
  version: z.number().int().min(1),
  rows: z.number().int().min(0),
  columns: z.number().int().min(0),
  sensitivity: z.string(),
  /** Share of checked values that passed their semantic validator; null when no column had a semantic type. */
  accuracy: z.number().min(0).max(1).nullable(),
  completeness: z.number().min(0).max(1).nullable(),
  /** Merge targets: rows inserted or updated, and rows removed because the source marked them deleted or their keys were gone. */
  changed: z.number().int().min(0).optional(),
  deleted: z.number().int().min(0).optional(),
  /** File sources read as a list (folders, files taken once): the files this run took. */
  files: z.number().int().min(0).optional(),
  /** What the run also recorded as warnings (files left for later, columns added or widened). */
  warnings: z.array(z.string()).optional(),
});

/** A merge's key-set comparison (target.deletes.compareKeys): whether it was due, and the source keys copied. */
export const keySnapshotSummarySchema = z.object({
  compared: z.boolean(),
  keys: z.number().int().min(0),
  attempt: z.number().int().min(1),
  table: z.string().optional(),
  /** When it was not due: the logical date of the run that last compared. */
  lastCompared: z.string().optional(),
});

export const collectResultSchema = z.object({
  runId: z.string(),
  stage: stageSummarySchema,
  /** Only for merge targets that compare keys. */
  keys: keySnapshotSummarySchema.optional(),
  publish: publishSummarySchema,
});

export type CollectWorkflowInput = z.infer<typeof collectWorkflowInputSchema>;
export type StageSummary = z.infer<typeof stageSummarySchema>;
export type PublishSummary = z.infer<typeof publishSummarySchema>;
export type KeySnapshotSummary = z.infer<typeof keySnapshotSummarySchema>;
export type CollectResult = z.infer<typeof collectResultSchema>;
