import { z } from 'zod';

/** How one step of a pipeline ended. */
export const stepOutcomeSchema = z.object({
  kind: z.string(),
  runId: z.string(),
  status: z.enum(['succeeded', 'failed', 'gate-failed', 'skipped']),
  records: z.number().int().min(0).nullable(),
  accuracy: z.number().min(0).max(1).nullable(),
  rejectedShare: z.number().min(0).max(1).nullable(),
  /** Gate thresholds the step missed (with `warn`, the pipeline went on). */
  gateFailures: z.array(z.string()),
  error: z.string().optional(),
});

export const pipelineResultSchema = z.object({ runId: z.string(), steps: z.record(z.string(), stepOutcomeSchema) });

export type StepOutcome = z.infer<typeof stepOutcomeSchema>;
export type PipelineResult = z.infer<typeof pipelineResultSchema>;
