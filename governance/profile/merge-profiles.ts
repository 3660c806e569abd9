import { validatorFor } from '../semantic/detect.ts';
import { type ColumnProfileState, SEMANTIC_SAMPLE_SIZE, TableProfiler, type TableProfileState } from './column-profiler.ts';
import { HyperLogLog } from './hll.ts';
import { PatternCounter } from './patterns.ts';

/**
 * One table profile from the profiles of consecutive key ranges, given in key order. Row and null
 * counts, lengths, min and max, the distinct estimate (HyperLogLog registers) and type inference come
 * out as one pass over all the rows would give them. The semantic type is decided, as in one pass, by
 * the first values in key order; a later range that decided another type from its own first values
 * cannot be re-validated, and its values are left out of the semantic counts. Pattern counts are
 * summed: their sample (every 64th value after the first 10,000) differs from one pass's.
 */
export function mergeTableProfiles(parts: readonly TableProfileState[]): TableProfileState {
  if (parts.length === 1) return parts[0]!;
  const columns = parts[0]!.columns.map((_, i) => mergeColumn(parts.map((p) => p.columns[i]!)));
  return { version: 1, columns };
}

function mergeColumn(parts: readonly ColumnProfileState[]): ColumnProfileState {
  const filled = parts.filter((p) => p.rows > p.nulls);
  const hll = HyperLogLog.fromBase64(parts[0]!.hll);
  for (const p of parts.slice(1)) hll.merge(HyperLogLog.fromBase64(p.hll));
  const alive = parts.reduce((a, p) => a & p.types.alive, ~0);
  const numeric = filled.length > 0 && filled.every((p) => p.numMin !== null && p.numMax !== null);
  const pick = (better: (a: string, b: string) => boolean, values: string[]) => values.reduce((m, v) => (better(v, m) ? v : m));
  return {
    version: 1,
    name: parts[0]!.name,
    rows: sum(parts, (p) => p.rows),
    nulls: sum(parts, (p) => p.nulls),
    minLength: filled.length ? Math.min(...filled.map((p) => p.minLength)) : -1,
    maxLength: Math.max(...parts.map((p) => p.maxLength)),
    min: filled.length
      ? pick(
          (a, b) => a < b,
          filled.map((p) => p.min!),
        )
      : null,
    max: filled.length
      ? pick(
          (a, b) => a > b,
          filled.map((p) => p.max!),
        )
      : null,
    numMin: numeric
      ? pick(
          (a, b) => Number(a) < Number(b),
          filled.map((p) => p.numMin!),
        )
      : null,
    numMax: numeric
      ? pick(
          (a, b) => Number(a) > Number(b),
          filled.map((p) => p.numMax!),
        )
      : null,
    hll: hll.toBase64(),
    types: { alive, observed: sum(parts, (p) => p.types.observed) },
    patterns: mergePatterns(parts),
    ...mergeSemantic(parts),
  };
}

function mergePatterns(parts: readonly ColumnProfileState[]): ColumnProfileState['patterns'] {
  const capacity = parts[0]!.patterns.capacity;
  const counts = new Map<string, number>();
  for (const p of parts) for (const [pattern, n] of p.patterns.entries) counts.set(pattern, (counts.get(pattern) ?? 0) + n);
  const kept = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, capacity);
  const state = { capacity, total: sum(parts, (p) => p.patterns.total), entries: kept };
  return PatternCounter.fromState(state).toState();
}

type Semantic = Pick<ColumnProfileState, 'semanticSample' | 'semanticType' | 'semanticChecked' | 'semanticValid'>;

function mergeSemantic(parts: readonly ColumnProfileState[]): Semantic {
  // Undecided ranges (fewer non-null values than the sample) lead: their values come first in key order.
  const head: string[] = [];
  let i = 0;
  for (; i < parts.length && parts[i]!.semanticSample !== null && head.length < SEMANTIC_SAMPLE_SIZE; i++) head.push(...parts[i]!.semanticSample!);
  const decidedBy = parts.slice(i).find((p) => p.semanticSample === null);
  let type: ColumnProfileState['semanticType'];
  let checked = 0;
  let valid = 0;
  if (head.length >= SEMANTIC_SAMPLE_SIZE || !decidedBy) {
    if (head.length < SEMANTIC_SAMPLE_SIZE) return { semanticSample: head, semanticType: null, semanticChecked: 0, semanticValid: 0 };
    // Decide on the first values exactly as one pass would, by replaying them through a profiler.
    const result = replaySample(head.slice(0, SEMANTIC_SAMPLE_SIZE));
    type = result.semanticType;
    checked = result.semanticChecked;
    valid = result.semanticValid;
    if (type !== null) {
      const ok = validatorFor(type);
      for (const v of head.slice(SEMANTIC_SAMPLE_SIZE)) {
        checked++;
        if (ok(v)) valid++;
      }
    }
  } else {
    type = decidedBy.semanticType;
    if (type !== null) {
      const ok = validatorFor(type);
      for (const v of head) {
        checked++;
        if (ok(v)) valid++;
      }
    }
  }
  for (const p of parts.slice(i)) {
    if (type === null) break;
    if (p.semanticSample !== null) {
      const ok = validatorFor(type);
      for (const v of p.semanticSample) {
        checked++;
        if (ok(v)) valid++;
      }
    } else if (p.semanticType === type) {
      checked += p.semanticChecked;
      valid += p.semanticValid;
    }
  }
  return { semanticSample: null, semanticType: type, semanticChecked: checked, semanticValid: valid };
}

function replaySample(values: string[]): Pick<ColumnProfileState, 'semanticType' | 'semanticChecked' | 'semanticValid'> {
  const profiler = new TableProfiler(['v']);
  for (const v of values) profiler.addRow([v]);
  const { semanticType, semanticChecked, semanticValid } = profiler.toState().columns[0]!;
  return { semanticType, semanticChecked, semanticValid };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}
