import type { IndicatorFigure } from '../../governance/collect-indicators.ts';
import type { FuseMatchSummary } from './match-fusion.ts';

/** A fusion run's figures for the metrics schema: entity counts over all entities, match rate per source. */
export function fusionIndicators(m: FuseMatchSummary): (IndicatorFigure & { value?: number | null })[] {
  const over = (indicator: string, a: number) => ({ column: '', indicator, parent: null, a, b: m.entities });
  return [
    over('fusion.entities_new', m.new),
    over('fusion.entities_changed', m.changed),
    over('fusion.entities_unchanged', m.unchanged),
    over('fusion.entities_multi_source', m.multiSource),
    over('fusion.entities_conflicting', m.conflicting),
    { column: '', indicator: 'fusion.entities_merged', parent: null, a: m.merged, b: m.entities },
    { column: '', indicator: 'fusion.entities_split', parent: null, a: m.split, b: m.entities },
    { column: '', indicator: 'fusion.entities_retired', parent: null, a: m.retired, b: m.entities },
    { column: '', indicator: 'fusion.records_per_entity', parent: null, a: m.records, b: m.entities },
    ...m.perSource.map((s) => ({ column: s.source, indicator: 'fusion.match_rate', parent: null, a: s.matched, b: s.records })),
  ];
}
