// The golden record of one entity: per field, the value a survivorship rule picks from the entity's
// records, with where it came from (field-level lineage) and how much the records disagreed.

export const SURVIVORSHIP_RULES = ['sourcePriority', 'mostRecent', 'mostFrequent', 'firstNonEmpty'] as const;
export type SurvivorshipRule = (typeof SURVIVORSHIP_RULES)[number];

/** One record's value of the field, with what the rules rank by. */
export interface Candidate {
  value: string;
  /** Position of the record's source in the field's priority order (0 first). */
  priority: number;
  /** Position of the record's source in the job's source list. */
  sourceOrder: number;
  updatedAt: string | null;
  /** The record's ref (`source:record`): the last tie-break, so picks are deterministic. */
  ref: string;
}

export interface FieldPick {
  value: string | null;
  /** Lineage: the record the value came from and the rule that chose it. */
  ref: string | null;
  /** `review`: a reviewer's decision, not a rule. */
  rule: SurvivorshipRule | 'review';
  /** Distinct values among the records. */
  distinct: number;
  /** Share of the records with a value that disagree with the pick (0: none do). */
  disagreement: number;
  /** Each distinct value with how many records hold it, most held first (only when they disagree). */
  values?: [string, number][];
}

function byRef(a: Candidate, b: Candidate): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0;
}

function newerFirst(a: Candidate, b: Candidate): number {
  const x = a.updatedAt ?? '';
  const y = b.updatedAt ?? '';
  return x > y ? -1 : x < y ? 1 : 0;
}

const ORDER: Record<Exclude<SurvivorshipRule, 'mostFrequent'>, (a: Candidate, b: Candidate) => number> = {
  sourcePriority: (a, b) => a.priority - b.priority || newerFirst(a, b) || byRef(a, b),
  mostRecent: (a, b) => newerFirst(a, b) || a.priority - b.priority || byRef(a, b),
  firstNonEmpty: (a, b) => a.sourceOrder - b.sourceOrder || byRef(a, b),
};

export function pickValue(rule: SurvivorshipRule, candidates: readonly Candidate[]): FieldPick {
  if (!candidates.length) return { value: null, ref: null, rule, distinct: 0, disagreement: 0 };
  const tally = new Map<string, number>();
  for (const c of candidates) tally.set(c.value, (tally.get(c.value) ?? 0) + 1);
  let chosen: Candidate;
  if (rule === 'mostFrequent') {
    chosen = [...candidates].sort((a, b) => tally.get(b.value)! - tally.get(a.value)! || a.priority - b.priority || newerFirst(a, b) || byRef(a, b))[0]!;
  } else {
    chosen = [...candidates].sort(ORDER[rule])[0]!;
  }
  const agreeing = tally.get(chosen.value)!;
  const pick: FieldPick = {
    value: chosen.value,
    ref: chosen.ref,
    rule,
    distinct: tally.size,
    disagreement: (candidates.length - agreeing) / candidates.length,
  };
  if (tally.size > 1) pick.values = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return pick;
}
