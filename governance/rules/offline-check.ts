// Checks a cleanse job's rules from the spec alone, so `dataops validate` and `dataops run` catch a
// misspelt rule or a bad parameter at once, without a database or a workflow.
import { compilePlan, RulePlanError } from './engine.ts';
import type { LooseTableRuleSpec, TableRuleSpec } from './spec.ts';
import type { ReferenceTable } from './types.ts';

/** What the spec says of a reference table; whether a file holds codes or a value map shows only when it is read. */
export interface ReferenceShape {
  readonly type: 'file' | 'table';
  readonly mapTo?: string;
}

/** Every string among a deep rule's parameters: the columns it reads are among them. */
function stringsIn(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, into);
}

/** Column names the rules mention; checking them against the real source waits for the run. */
function mentionedColumns(rules: LooseTableRuleSpec): string[] {
  const names = new Set(Object.keys(rules.columns ?? {}));
  for (const step of rules.deep ?? []) if (typeof step === 'object') stringsIn(step.params, names);
  for (const key of rules.dedup?.key ?? []) names.add(key);
  if (rules.dedup?.orderBy) names.add(rules.dedup.orderBy);
  return [...names];
}

function compileProblems(columns: string[], rules: LooseTableRuleSpec, tables: Record<string, ReferenceTable>, today: string | undefined): string[] {
  try {
    compilePlan(columns, rules, { tables, today });
    return [];
  } catch (error) {
    if (error instanceof RulePlanError) return [...error.problems];
    throw error;
  }
}

/**
 * Problems in a cleanse job's rules that need no data to find: unknown rule names, bad parameters and
 * severities, reference tables the spec does not declare, dedup settings. Empty when none.
 */
export function offlineRuleProblems(spec: TableRuleSpec | LooseTableRuleSpec, references: Readonly<Record<string, ReferenceShape>>, today?: string): string[] {
  const rules = spec as LooseTableRuleSpec;
  const columns = mentionedColumns(rules);
  const asCodes: Record<string, ReferenceTable> = {};
  const asMaps: Record<string, ReferenceTable> = {};
  for (const [name, ref] of Object.entries(references)) {
    const known = ref.type === 'table' ? (ref.mapTo ? new Map<string, string>() : new Set<string>()) : undefined;
    asCodes[name] = known ?? new Set<string>();
    asMaps[name] = known ?? new Map<string, string>();
  }
  // Without a spec date the run supplies its own, so any valid date stands in for it here.
  const day = today ?? STAND_IN_TODAY;
  // A file reference may turn out either way: report only what is wrong whichever it is.
  const withCodes = compileProblems(columns, rules, asCodes, day);
  const withMaps = compileProblems(columns, rules, asMaps, day);
  const problems = withCodes.filter((p) => withMaps.includes(p));
  // ...and a file that one rule reads as codes and another as a map is wrong either way.
  for (const [name, ref] of Object.entries(references)) {
    if (
      ref.type === 'file' &&
      withCodes.some((p) => p.includes(`'${name}' is a set of codes`)) &&
      withMaps.some((p) => p.includes(`'${name}' is a value map`))
    ) {
      problems.push(`references.${name}: used both as a set of codes and as a value map; a reference file is one or the other`);
    }
  }
  return problems;
}

const STAND_IN_TODAY = '2000-01-01';
