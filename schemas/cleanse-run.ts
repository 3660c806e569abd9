import { z } from 'zod';
import { cleanseJobSpecSchema } from './job-spec.ts';

export const cleanseWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: cleanseJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
});

export const cleanseStageSummarySchema = z.object({
  rows: z.number().int().min(0),
  clean: z.number().int().min(0),
  flagged: z.number().int().min(0),
  rejected: z.number().int().min(0),
  fixes: z.number().int().min(0),
  bytes: z.number().int().min(0),
  batches: z.number().int().min(0),
  attempt: z.number().int().min(1),
  resumedFromRow: z.number().int().min(0),
  stagingTable: z.string(),
});

export const cleansePublishSummarySchema = z.object({
  table: z.string(),
  version: z.number().int().min(1),
  published: z.number().int().min(0),
  /** Records in that passed every rejecting rule: (clean + flagged) / records in. */
  accuracy: z.number().min(0).max(1).nullable(),
});

export const cleanseResultSchema = z.object({ runId: z.string(), stage: cleanseStageSummarySchema, publish: cleansePublishSummarySchema });

export type CleanseWorkflowInput = z.infer<typeof cleanseWorkflowInputSchema>;
export type CleanseStageSummary = z.infer<typeof cleanseStageSummarySchema>;
export type CleansePublishSummary = z.infer<typeof cleansePublishSummarySchema>;
export type CleanseResult = z.infer<typeof cleanseResultSchema>;
