import { z } from 'zod';
import { scanJobSpecSchema } from './job-spec.ts';

/** The scan workflow's input: a validated spec and the run id; connection names, never URLs. */
export const scanWorkflowInputSchema = z.object({
  runId: z.string().min(1).optional(),
  spec: scanJobSpecSchema,
  parentRunId: z.string().optional(),
  logicalDate: z.string().optional(),
});

/** One connection to scan, as the planning activity resolved it (its name and kind only). */
export const scanTargetSchema = z.object({
  connection: z.string(),
  kind: z.enum(['postgres', 'mysql']),
  /** The centre database: judged against the catalogue instead of a department's allowed level. */
  centre: z.boolean(),
});

/** What one connection's scan returns to the workflow: counts; the findings themselves are in dataops.scan_findings. */
export const connectionScanSummarySchema = z.object({
  connection: z.string(),
  tables: z.number().int().min(0),
  /** Columns whose type could hold personal data, sampled. */
  columns: z.number().int().min(0),
  rows: z.number().int().min(0),
  findings: z.number().int().min(0),
  /** Tables that could not be sampled (permission denied, dropped meanwhile), at most 20, with why. */
  skipped: z.array(z.object({ table: z.string(), reason: z.string() })),
  skippedCount: z.number().int().min(0),
});

export const scanResultSchema = z.object({
  runId: z.string(),
  connections: z.array(connectionScanSummarySchema),
  findings: z.number().int().min(0),
});

export type ScanWorkflowInput = z.infer<typeof scanWorkflowInputSchema>;
export type ScanTarget = z.infer<typeof scanTargetSchema>;
export type ConnectionScanSummary = z.infer<typeof connectionScanSummarySchema>;
export type ScanResult = z.infer<typeof scanResultSchema>;
