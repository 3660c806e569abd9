import { z } from 'zod';
import { shareJobSpecSchema } from './job-spec.ts';
import { stageSummarySchema } from './collect-run.ts';

/** The share workflow's input: a validated spec and the run id; connection names, never URLs or paths. */
export const shareWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: shareJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
});

export const sharedFileSchema = z.object({
  name: z.string(),
  rows: z.number().int().min(0),
  bytes: z.number().int().min(0),
  sha256: z.string(),
});

/** What left the centre, for whom and why: what an audit record of the share needs. */
export const sharePublishSummarySchema = z.object({
  consumer: z.string(),
  purpose: z.string(),
  expires: z.string(),
  specHash: z.string(),
  output: z.enum(['table', 'files']),
  connection: z.string(),
  /** Table output: the table as the consumer's database names it. */
  table: z.string().optional(),
  /** File output: the run's folder, relative to the connection's root, its format and files (manifest.json beside them). */
  directory: z.string().optional(),
  format: z.string().optional(),
  files: z.array(sharedFileSchema).optional(),
  rows: z.number().int().min(0),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  /** Whether a filter chose the rows (its compiled form is in the manifest / checkpoint). */
  filtered: z.boolean(),
  /** The columns that left masked, by mask, and the masking key version used for pseudonyms. */
  masked: z.record(z.string(), z.string()),
  keyVersion: z.string().optional(),
  /** Table output: the loaded table matched the filtered source (counts and row hashes) before it was swapped in. */
  reconciled: z.boolean(),
});

export const shareResultSchema = z.object({
  runId: z.string(),
  stage: stageSummarySchema,
  publish: sharePublishSummarySchema,
});

export type ShareWorkflowInput = z.infer<typeof shareWorkflowInputSchema>;
export type SharedFile = z.infer<typeof sharedFileSchema>;
export type SharePublishSummary = z.infer<typeof sharePublishSummarySchema>;
export type ShareResult = z.infer<typeof shareResultSchema>;
