import type { CounterEntry } from './rules/counters.ts';
import type { IndicatorFigure } from './collect-indicators.ts';

export interface ValuedFigure extends IndicatorFigure {
  /** X: A / B for measured indicators, the mean of the children's X for parents (null when none measured). */
  value: number | null;
}

const mean = (values: (number | null)[]): number | null => {
  const measured = values.filter((v): v is number => v !== null);
  return measured.length ? measured.reduce((a, b) => a + b, 0) / measured.length : null;
};

/**
 * DB31/T 1523 indicators of a cleansing run. Each rule use on a column is a measured indicator
 * (`<dimension>.<rule>`, X = A / B = passed / evaluated); a column's dimension is the mean of its rules'
 * X; the table's dimension is the mean of its columns'. `accuracy.overall` = records that passed every
 * rejecting rule (published, clean or flagged) / records read.
 */
export function cleanseIndicators(entries: CounterEntry[], records: { read: number; published: number }): ValuedFigure[] {
  const figures: ValuedFigure[] = [];
  const byColumnDimension = new Map<string, { column: string; dimension: string; values: (number | null)[]; a: number; b: number }>();
  for (const e of entries) {
    const suffix = e.occurrence > 0 ? `#${e.occurrence + 1}` : '';
    figures.push({ column: e.column, indicator: `${e.dimension}.${e.ruleId}${suffix}`, parent: e.dimension, a: e.passed, b: e.evaluated, value: e.rate });
    const key = `${e.column}\u0000${e.dimension}`;
    const group = byColumnDimension.get(key) ?? { column: e.column, dimension: e.dimension, values: [], a: 0, b: 0 };
    group.values.push(e.rate);
    group.a += e.passed;
    group.b += e.evaluated;
    byColumnDimension.set(key, group);
  }
  const byDimension = new Map<string, { values: (number | null)[]; a: number; b: number }>();
  for (const g of byColumnDimension.values()) {
    const value = mean(g.values);
    figures.push({ column: g.column, indicator: g.dimension, parent: null, a: g.a, b: g.b, value });
    const table = byDimension.get(g.dimension) ?? { values: [], a: 0, b: 0 };
    table.values.push(value);
    table.a += g.a;
    table.b += g.b;
    byDimension.set(g.dimension, table);
  }
  for (const [dimension, t] of byDimension) figures.push({ column: '', indicator: dimension, parent: null, a: t.a, b: t.b, value: mean(t.values) });
  figures.push({
    column: '',
    indicator: 'accuracy.overall',
    parent: null,
    a: records.published,
    b: records.read,
    value: records.read > 0 ? records.published / records.read : null,
  });
  return figures;
}
