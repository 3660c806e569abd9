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
  /** Duplicates the step absorbed (a stream output: re-sends the broker dropped by message id). */
  records_duplicate?: number;
  bytes: number;
  duration_ms: number;
}

const COUNTS = ['records_in', 'records_out', 'records_rejected', 'records_flagged', 'values_fixed', 'records_duplicate', 'bytes', 'duration_ms'] as const;

/** One row per run and step (its primary key), written in the publishing transaction: never counted twice. */
export async function recordStepMetrics(trx: Knex.Transaction, row: StepMetricRow): Promise<void> {
  await trx('dataops.step_metrics').insert({ ...row, duration_ms: Math.max(0, Math.round(row.duration_ms)) });
}

export async function stepsOfRun(db: Knex, runId: string): Promise<(StepMetricRow & { recorded_at: Date })[]> {
  const rows = await db('dataops.step_metrics').where({ run_id: runId }).orderBy('recorded_at');
  return rows.map((r) => withNumbers(r, COUNTS));
}

export interface StepTotals {
  records_in: number;
  records_out: number;
  records_rejected: number;
  records_duplicate: number;
}

/** A run's step metrics added up: a run of several recorded steps (the passes of a following stream output) counts them all. */
export async function stepTotals(db: Knex, runId: string): Promise<StepTotals> {
  const sums = (await db('dataops.step_metrics')
    .where({ run_id: runId })
    .first(
      db.raw('coalesce(sum(records_in), 0) AS records_in'),
      db.raw('coalesce(sum(records_out), 0) AS records_out'),
      db.raw('coalesce(sum(records_rejected), 0) AS records_rejected'),
      db.raw('coalesce(sum(records_duplicate), 0) AS records_duplicate'),
    )) as Record<keyof StepTotals, string>;
  return {
    records_in: Number(sums.records_in),
    records_out: Number(sums.records_out),
    records_rejected: Number(sums.records_rejected),
    records_duplicate: Number(sums.records_duplicate),
  };
}
