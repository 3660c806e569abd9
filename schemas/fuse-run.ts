import { z } from 'zod';
import { fuseJobSpecSchema } from './job-spec.ts';

/** The fuse workflow's input: a validated spec and the run id; table and connection names only. */
export const fuseWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: fuseJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
});

export type FuseWorkflowInput = z.infer<typeof fuseWorkflowInputSchema>;
