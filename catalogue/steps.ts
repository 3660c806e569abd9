import type { Knex } from 'knex';
import { withNumbers } from './numbers.ts';

export interface StepMetricRow {
  run_id: string;
  step: string;
  attempt: number;
  records_in: number;
  records_out: number;
  records_rejected: number;
  records_flagged?: number;
  values_fixed?: number;
  bytes: number;
  duration_ms: number;
}

const COUNTS = ['records_in', 'records_out', 'records_rejected', 'records_flagged', 'values_fixed', 'bytes', 'duration_ms'] as const;

/** One row per run and step (its primary key), written in the publishing transaction: never counted twice. */
export async function recordStepMetrics(trx: Knex.Transaction, row: StepMetricRow): Promise<void> {
  await trx('dataops.step_metrics').insert({ ...row, duration_ms: Math.max(0, Math.round(row.duration_ms)) });
}

export async function stepsOfRun(db: Knex, runId: string): Promise<(StepMetricRow & { recorded_at: Date })[]> {
  const rows = await db('dataops.step_metrics').where({ run_id: runId }).orderBy('recorded_at');
  return rows.map((r) => withNumbers(r, COUNTS));
}
