import { z } from 'zod';
import { distributeJobSpecSchema } from './job-spec.ts';
import { stageSummarySchema } from './collect-run.ts';

/** The distribute workflow's input: a validated spec and the run id; connection names, never URLs. */
export const distributeWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: distributeJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
});

export const distributePublishSummarySchema = z.object({
  /** The target table as the department's database names it. */
  table: z.string(),
  connection: z.string(),
  rows: z.number().int().min(0),
  columns: z.number().int().min(0),
  /** Rows counted in the loaded table before it was swapped in: equal to the rows read, or the run fails. */
  reconciled: z.boolean(),
  /** Row hashes compared per key range inside both databases (masked columns left out). */
  reconciliation: z.object({ ranges: z.number().int(), columns: z.number().int() }).optional(),
  /** The columns that left masked, by mask, and the masking key version used for pseudonyms. */
  masked: z.record(z.string(), z.string()),
  keyVersion: z.string().optional(),
  /** An incremental run: rows read since the watermark, applied, and deleted; differences the run explains. */
  incremental: z
    .object({
      sent: z.number().int().min(0),
      upserted: z.number().int().min(0),
      deleted: z.number().int().min(0),
      /** Rows the centre changed after this run's window: the next run sends them. */
      pending: z.number().int().min(0),
      /** Rows the centre deleted that stay in the target: deletes are not propagated (or not due). */
      kept: z.number().int().min(0),
      /** Every row was sent (first run, or a new table shape), loaded beside the target and swapped in. */
      fresh: z.boolean(),
    })
    .optional(),
});

export const distributeResultSchema = z.object({
  runId: z.string(),
  stage: stageSummarySchema,
  publish: distributePublishSummarySchema,
});

export type DistributeWorkflowInput = z.infer<typeof distributeWorkflowInputSchema>;
export type DistributePublishSummary = z.infer<typeof distributePublishSummarySchema>;
export type DistributeResult = z.infer<typeof distributeResultSchema>;
