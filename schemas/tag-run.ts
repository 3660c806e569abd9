import { z } from 'zod';
import { tagJobSpecSchema } from './job-spec.ts';
import { stageSummarySchema } from './collect-run.ts';

export const tagWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: tagJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
});

/** What planning found: the as-of date, the fields rules can read (`name: type`) and each tag's version. */
export const tagPlanSchema = z.object({
  asOf: z.string(),
  fields: z.array(z.string()),
  versions: z.record(z.string(), z.string()),
});

export const tagCountsSchema = z.object({
  tag: z.string(),
  ruleVersion: z.string(),
  evaluated: z.number().int().min(0),
  added: z.number().int().min(0),
  removed: z.number().int().min(0),
  current: z.number().int().min(0),
  unknown: z.number().int().min(0),
  errors: z.number().int().min(0),
});

export const tagApplySummarySchema = z.object({
  entities: z.number().int().min(0),
  tags: z.array(tagCountsSchema),
});

export const tagResultSchema = z.object({
  runId: z.string(),
  plan: tagPlanSchema,
  stage: stageSummarySchema,
  apply: tagApplySummarySchema,
});

export type TagWorkflowInput = z.infer<typeof tagWorkflowInputSchema>;
export type TagPlan = z.infer<typeof tagPlanSchema>;
export type TagCountsRow = z.infer<typeof tagCountsSchema>;
export type TagApplySummary = z.infer<typeof tagApplySummarySchema>;
export type TagResult = z.infer<typeof tagResultSchema>;
