import type { ColumnProfile } from './profile/column-profiler.ts';

export interface IndicatorFigure {
  column: string;
  indicator: string;
  parent: string | null;
  a: number;
  b: number;
}

export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/**
 * Indicators a collection can measure without rules (DB31/T 1523 X = A / B):
 * completeness per column (non-null / rows) and format normativeness per semantically typed column
 * (values passing their validator / values checked). The table-level `accuracy` of a collection is
 * that format normativeness summed over its typed columns: the share of identifiable values that are
 * well-formed. Cleansing runs measure accuracy against their rules instead.
 */
export function collectIndicators(profiles: ColumnProfile[]): IndicatorFigure[] {
  const figures: IndicatorFigure[] = [];
  let cells = 0;
  let filled = 0;
  let checked = 0;
  let valid = 0;
  for (const p of profiles) {
    figures.push({ column: p.name, indicator: 'completeness.non_null', parent: 'completeness', a: p.rows - p.nulls, b: p.rows });
    cells += p.rows;
    filled += p.rows - p.nulls;
    if (p.semanticType) {
      figures.push({ column: p.name, indicator: 'normativeness.format', parent: 'normativeness', a: p.semanticValid, b: p.semanticChecked });
      checked += p.semanticChecked;
      valid += p.semanticValid;
    }
  }
  figures.push({ column: '', indicator: 'completeness', parent: null, a: filled, b: cells });
  if (checked > 0) {
    figures.push({ column: '', indicator: 'normativeness', parent: null, a: valid, b: checked });
    figures.push({ column: '', indicator: 'accuracy', parent: null, a: valid, b: checked });
  }
  return figures;
}
