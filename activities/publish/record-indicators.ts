import type { Knex } from 'knex';
import type { IndicatorFigure } from '../../governance/collect-indicators.ts';

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
