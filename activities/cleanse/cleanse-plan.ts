import type { CleanseJobSpec } from '../../schemas/job-spec.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';
import { compilePlan, RulePlanError, type RulePlan } from '../../governance/rules/engine.ts';
import type { TableRuleSpec } from '../../governance/rules/spec.ts';
import type { CompileContext } from '../../governance/rules/types.ts';

export const CLEANSE_STEP = 'cleanse';
export const REF_COLUMN = 'dataops_ref';
export const FLAGS_COLUMN = 'dataops_flags';
/** Under latest-wins a kept row may be superseded later; a row a normaliser changed keeps its source values here for the quarantine. */
export const ORIGINAL_COLUMN = 'dataops_original';
/** Staging's own columns, dropped or kept at publish but never source data. */
export const BOOKKEEPING_COLUMNS: readonly string[] = [REF_COLUMN, FLAGS_COLUMN, ORIGINAL_COLUMN];

/** Compiles the rules against the source's columns; every problem is reported before a row is written. */
export function compileCleansePlan(
  spec: CleanseJobSpec,
  columns: readonly string[],
  tables: CompileContext['tables'],
  boundaries: CompileContext['boundaries'] = {},
): RulePlan {
  const reserved = columns.filter((n) => BOOKKEEPING_COLUMNS.includes(n));
  if (reserved.length) {
    throw new BadInputError(`source column(s) ${reserved.join(', ')} use a name cleansing reserves for its own bookkeeping; alias them in a query source`);
  }
  for (const key of spec.key ?? []) if (!columns.includes(key)) throw new BadInputError(`key column "${key}" is not in the source (${columns.join(', ')})`);
  try {
    return compilePlan(columns, spec.rules as TableRuleSpec, { tables, today: spec.today, boundaries });
  } catch (error) {
    if (error instanceof RulePlanError) throw new BadInputError(`${error.message}\n  (source columns: ${columns.join(', ')})`);
    throw error;
  }
}

/** Only latest-wins de-duplication takes rows back out of staging after they were written. */
export function keepsOriginals(spec: CleanseJobSpec): boolean {
  return spec.rules.dedup?.survivorship === 'latest';
}

/** Columns the geo section may rewrite: the coordinates when it converts them, and the town column. */
function geoRewrites(spec: CleanseJobSpec): string[] {
  const geo = spec.rules.geo;
  if (!geo) return [];
  const point = typeof geo.point === 'string' ? [geo.point] : [geo.point.lng, geo.point.lat];
  return [...(geo.convertTo && geo.convertTo !== geo.datum ? point : []), ...(geo.town ? [geo.town.column] : [])];
}

/**
 * Columns a normaliser (or the geo section) may rewrite stay text in the output; the rest keep the
 * source type. Columns the plan derives (the geo section's town column) follow the source's, as text.
 */
export function outputColumns(spec: CleanseJobSpec, source: ColumnInfo[], derived: readonly string[] = []): ColumnInfo[] {
  const normalised = new Set([
    ...Object.entries(spec.rules.columns ?? {})
      .filter(([, r]) => r.normalise?.length)
      .map(([c]) => c),
    ...geoRewrites(spec),
  ]);
  return [
    ...source.map((c) => ({ ...c, pgType: normalised.has(c.name) ? 'text' : c.pgType })),
    ...derived.map((name) => ({ name, pgType: 'text' })),
    { name: REF_COLUMN, pgType: 'bigint' },
    { name: FLAGS_COLUMN, pgType: 'jsonb' },
    ...(keepsOriginals(spec) ? [{ name: ORIGINAL_COLUMN, pgType: 'jsonb' }] : []),
  ];
}
