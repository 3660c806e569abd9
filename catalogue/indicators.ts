import { PUBLISHING_KINDS } from '../schemas/job-spec.ts';
import type { Knex } from 'knex';
import type { IndicatorFigure } from '../governance/collect-indicators.ts';

/** Writes a step's indicators (X given, or A / B) inside the publishing transaction. */
export async function recordIndicators(
  trx: Knex.Transaction,
  runId: string,
  step: string,
  table: string,
  figures: (IndicatorFigure & { value?: number | null })[],
): Promise<void> {
  await trx('dataops.quality_indicators').insert(
    figures.map((f) => ({
      run_id: runId,
      step,
      table_name: table,
      column_name: f.column,
      indicator: f.indicator,
      parent: f.parent,
      a: f.a,
      b: f.b,
      value: f.value !== undefined ? f.value : f.b > 0 ? f.a / f.b : null,
    })),
  );
}

export interface IndicatorRow {
  run_id: string;
  step: string;
  table_name: string;
  column_name: string;
  indicator: string;
  parent: string | null;
  a: number;
  b: number;
  value: number | null;
}

/** Every indicator of one run, table-level first, then by column and indicator. */
export async function indicatorsOfRun(db: Knex, runId: string): Promise<IndicatorRow[]> {
  return db('dataops.quality_indicators')
    .where({ run_id: runId })
    .orderBy([{ column: 'column_name' }, { column: 'indicator' }]);
}

/** The table-level indicators of several runs, for a trend. */
export async function tableIndicatorsOfRuns(db: Knex, runIds: readonly string[]): Promise<IndicatorRow[]> {
  return db('dataops.quality_indicators')
    .whereIn('run_id', [...runIds])
    .where({ column_name: '' });
}

/** A dataset's newest successful runs that published it (and measured its quality), newest first. */
export async function succeededRuns(db: Knex, dataset: string, limit: number): Promise<{ run_id: string; started_at: Date; accuracy: number | null }[]> {
  const rows = await db('dataops.runs')
    .where({ dataset, status: 'succeeded' })
    .whereIn('kind', PUBLISHING_KINDS)
    .orderBy('started_at', 'desc')
    .limit(limit)
    .select('run_id', 'started_at', 'accuracy');
  return rows.map((r) => ({ ...r, accuracy: r.accuracy === null ? null : Number(r.accuracy) }));
}
