// Compiles a table's rule spec once, then evaluates rows: normalise, validate, check the record, de-duplicate.
import { isIsoDate } from '../semantic/dates.ts';
import { RuleCounters, type CounterSlot } from './counters.ts';
import { DUPLICATE_REASON } from './deep.ts';
import { DuplicateTracker, type DedupSpec } from './dedup.ts';
import { GeoStep } from './geo-step.ts';
import { RuleParamError } from './param-reader.ts';
import type { MapSource, SetSource } from './params.ts';
import { findRule, RULES, type Rule, type RuleEnv } from './registry.ts';
import type { LooseTableRuleSpec, TableRuleSpec } from './spec.ts';
import { closeMatches } from './suggest.ts';
import type { CompileContext, DeepFn, NormaliseFn, Reason, RowRef, Severity, ValidateFn } from './types.ts';

export { RuleCounters, type CounterEntry, type CounterSlot, type RuleCountersState } from './counters.ts';

export type Outcome = 'clean' | 'flagged' | 'rejected';

export interface Finding {
  readonly ruleId: string;
  /** The column, or for record-level rules the columns they read joined by commas. */
  readonly column: string;
  readonly reason: Reason;
}

export interface RowResult {
  /** The normalised values, in the plan's column order (a new array; the input is not touched). */
  readonly values: (string | null)[];
  readonly outcome: Outcome;
  /** Normalisers that changed a value, once per change. */
  readonly fixes: readonly string[];
  readonly flags: readonly Finding[];
  readonly rejections: readonly Finding[];
  /** For a duplicate: the ref of the kept row it repeats. */
  readonly duplicateOf: RowRef | undefined;
  /** Under `latest`: the ref of an earlier kept row this one beats, which the caller must retract. */
  readonly replaces: RowRef | undefined;
}

/** Per-run state a plan writes to; create once per partition and reuse for every row. */
export interface EvaluationState {
  readonly counters?: RuleCounters;
  readonly tracker?: DuplicateTracker;
}

export class RulePlanError extends Error {
  override readonly name = 'RulePlanError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid rule plan:\n  - ${problems.join('\n  - ')}`);
  }
}

// Shared by every row that has no fixes, flags or rejections; frozen, so nothing can push into it.
const NONE = Object.freeze([]) as unknown as never[];
const SEVERITY_REJECT = 1;
const SEVERITY_FLAG = 2;

export class RulePlan {
  /** The source's columns, then any the plan derives (the geo section's town column when the source has none). */
  readonly columns: readonly string[];
  /** How many of `columns` a source row brings; the rest start null. */
  readonly sourceWidth: number;
  /** One counter slot per rule use; RuleCounters for this plan are indexed by them. */
  readonly slots: readonly CounterSlot[];
  readonly dedup: DedupSpec | undefined;

  // Normalisers, in column order then step order.
  private readonly nColumn: Int32Array;
  private readonly nFn: readonly NormaliseFn[];
  private readonly nId: readonly string[];
  private readonly nSlot: Int32Array;
  // Validators.
  private readonly vColumn: Int32Array;
  private readonly vFn: readonly ValidateFn[];
  private readonly vNull: Uint8Array;
  private readonly vSeverity: Uint8Array;
  private readonly vSlot: Int32Array;
  // Record-level checks.
  private readonly dFn: readonly DeepFn[];
  private readonly dSeverity: Uint8Array;
  private readonly dSlot: Int32Array;
  private readonly dedupSlot: number;
  private readonly geo: GeoStep | undefined;
  // Where counts go when the caller keeps none, so the row loop needs no branch per rule.
  private scratch: RuleCounters | undefined;

  /** @internal use compilePlan */
  constructor(b: PlanBuilder) {
    this.columns = b.columns;
    this.sourceWidth = b.sourceWidth;
    this.geo = b.geo;
    this.slots = b.slots;
    this.dedup = b.dedup;
    this.nColumn = Int32Array.from(b.normalisers.map((n) => n.column));
    this.nFn = b.normalisers.map((n) => n.fn);
    this.nId = b.normalisers.map((n) => n.ruleId);
    this.nSlot = Int32Array.from(b.normalisers.map((n) => n.slot));
    this.vColumn = Int32Array.from(b.validators.map((v) => v.column));
    this.vFn = b.validators.map((v) => v.fn);
    this.vNull = Uint8Array.from(b.validators.map((v) => (v.acceptsNull ? 1 : 0)));
    this.vSeverity = Uint8Array.from(b.validators.map((v) => (v.severity === 'reject' ? SEVERITY_REJECT : SEVERITY_FLAG)));
    this.vSlot = Int32Array.from(b.validators.map((v) => v.slot));
    this.dFn = b.deep.map((d) => d.fn);
    this.dSeverity = Uint8Array.from(b.deep.map((d) => (d.severity === 'reject' ? SEVERITY_REJECT : SEVERITY_FLAG)));
    this.dSlot = Int32Array.from(b.deep.map((d) => d.slot));
    this.dedupSlot = b.dedupSlot;
  }

  newCounters(): RuleCounters {
    return new RuleCounters(this.slots);
  }

  /** A fresh tracker for the plan's dedup section; throws when the plan has none. */
  newTracker(initialCapacity?: number): DuplicateTracker {
    if (this.dedup === undefined) throw new RangeError('this plan has no dedup section');
    return new DuplicateTracker(this.dedup, this.columns, initialCapacity);
  }

  /** Columns the plan adds after the source's. */
  get derivedColumns(): readonly string[] {
    return this.columns.slice(this.sourceWidth);
  }

  /**
   * Evaluates one row (values in the plan's column order; derived columns may be left off and start
   * null). Normalisers run, then the geo section, then validators and record checks. Every rule sees the row; de-duplication runs last
   * and only on rows no rejecting rule fired on. A plan with a dedup section needs `state.tracker`, and
   * `rowRef` names the row in `duplicateOf` / `replaces` answers.
   */
  evaluateRow(values: readonly (string | null)[], state?: EvaluationState, rowRef: RowRef = 0): RowResult {
    const cols = this.columns.length;
    if (values.length !== cols && values.length !== this.sourceWidth)
      throw new RangeError(`row has ${values.length} values, the plan expects ${this.sourceWidth}`);
    let counters = state?.counters;
    if (counters === undefined) counters = this.scratch ??= this.newCounters();
    else if (counters.slots !== this.slots) throw new RangeError('counters belong to a different plan');
    const passed = counters.passed;
    const evaluated = counters.evaluated;
    const out = values.slice();
    while (out.length < cols) out.push(null);

    let fixes: string[] = NONE;
    for (let s = 0; s < this.nFn.length; s++) {
      const c = this.nColumn[s]!;
      const v = out[c]!;
      if (v === null) continue;
      const slot = this.nSlot[s]!;
      evaluated[slot]!++;
      const r = this.nFn[s]!(v);
      if (r === v) {
        passed[slot]!++;
      } else {
        out[c] = r;
        if (fixes === NONE) fixes = [];
        fixes.push(this.nId[s]!);
      }
    }

    let flags: Finding[] = NONE;
    let rejections: Finding[] = NONE;
    const geo = this.geo;
    if (geo !== undefined) {
      geo.apply(out, evaluated, passed);
      if (geo.fixes.length) {
        if (fixes === NONE) fixes = [];
        fixes.push(...geo.fixes);
      }
      for (const f of geo.findings) {
        if (f.reject) {
          if (rejections === NONE) rejections = [];
          rejections.push(this.finding(f.slot, f.reason));
        } else {
          if (flags === NONE) flags = [];
          flags.push(this.finding(f.slot, f.reason));
        }
      }
    }

    for (let s = 0; s < this.vFn.length; s++) {
      const v = out[this.vColumn[s]!]!;
      if (v === null && this.vNull[s] === 0) continue;
      const slot = this.vSlot[s]!;
      evaluated[slot]!++;
      const reason = this.vFn[s]!(v as string);
      if (reason === null) {
        passed[slot]!++;
      } else if (this.vSeverity[s] === SEVERITY_REJECT) {
        if (rejections === NONE) rejections = [];
        rejections.push(this.finding(slot, reason));
      } else {
        if (flags === NONE) flags = [];
        flags.push(this.finding(slot, reason));
      }
    }

    for (let s = 0; s < this.dFn.length; s++) {
      const reason = this.dFn[s]!(out);
      if (reason === undefined) continue;
      const slot = this.dSlot[s]!;
      evaluated[slot]!++;
      if (reason === null) {
        passed[slot]!++;
      } else if (this.dSeverity[s] === SEVERITY_REJECT) {
        if (rejections === NONE) rejections = [];
        rejections.push(this.finding(slot, reason));
      } else {
        if (flags === NONE) flags = [];
        flags.push(this.finding(slot, reason));
      }
    }

    let duplicateOf: RowRef | undefined;
    let replaces: RowRef | undefined;
    if (this.dedupSlot >= 0 && rejections === NONE) {
      const tracker = state?.tracker;
      if (tracker === undefined) {
        throw new RangeError(`this plan de-duplicates on (${this.dedup!.key.join(', ')}): pass a tracker (plan.newTracker())`);
      }
      const slot = this.dedupSlot;
      evaluated[slot]!++;
      const decision = tracker.offer(out, rowRef);
      if (decision.keep) {
        passed[slot]!++;
        replaces = decision.replaces;
      } else {
        duplicateOf = decision.duplicateOf;
        rejections = [this.finding(slot, DUPLICATE_REASON)];
      }
    }

    return {
      values: out,
      outcome: rejections !== NONE ? 'rejected' : flags !== NONE ? 'flagged' : 'clean',
      fixes,
      flags,
      rejections,
      duplicateOf,
      replaces,
    };
  }

  private finding(slot: number, reason: Reason): Finding {
    const s = this.slots[slot]!;
    return { ruleId: s.ruleId, column: s.column, reason };
  }
}

interface CompiledStep<F> {
  readonly column: number;
  readonly ruleId: string;
  readonly fn: F;
  readonly slot: number;
  readonly severity: Severity;
  readonly acceptsNull: boolean;
}

/** Everything compilePlan gathers before the plan is built. */
class PlanBuilder {
  readonly slots: CounterSlot[] = [];
  readonly normalisers: CompiledStep<NormaliseFn>[] = [];
  readonly validators: CompiledStep<ValidateFn>[] = [];
  readonly deep: CompiledStep<DeepFn>[] = [];
  dedup: DedupSpec | undefined;
  dedupSlot = -1;
  geo: GeoStep | undefined;
  readonly problems: string[] = [];
  readonly sourceWidth: number;

  constructor(readonly columns: readonly string[]) {
    this.sourceWidth = columns.length;
  }

  slot(rule: Rule, column: string, severity: Severity, kind: CounterSlot['kind'] = rule.kind): number {
    const occurrence = this.slots.filter((s) => s.ruleId === rule.id && s.column === column).length;
    this.slots.push({ ruleId: rule.id, column, occurrence, kind, severity, dimension: rule.dimension });
    return this.slots.length - 1;
  }
}

function describeColumn(columns: readonly string[], name: string): string {
  const near = closeMatches(name, columns);
  return `'${name}' is not a column${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`;
}

function makeEnv(columns: readonly string[], ctx: CompileContext): RuleEnv {
  const tables = ctx.tables ?? {};
  const lookup = (name: string) => {
    const t = tables[name];
    if (t !== undefined) return t;
    const near = closeMatches(name, Object.keys(tables));
    throw new RuleParamError(`reference table '${name}' was not supplied${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
  };
  return {
    column(name) {
      const i = columns.indexOf(name);
      if (i < 0) throw new RuleParamError(describeColumn(columns, name));
      return i;
    },
    set(source: SetSource) {
      if ('values' in source) return new Set(source.values);
      const t = lookup(source.table);
      if (t instanceof Map) throw new RuleParamError(`reference table '${source.table}' is a value map, not a set of codes`);
      return t as ReadonlySet<string>;
    },
    map(source: MapSource) {
      if ('map' in source) return new Map(Object.entries(source.map));
      const t = lookup(source.table);
      if (!(t instanceof Map)) throw new RuleParamError(`reference table '${source.table}' is a set of codes, not a value map`);
      return t;
    },
    today: (explicit) => explicit ?? ctx.today,
    boundary(name) {
      const all = ctx.boundaries ?? {};
      const b = all[name];
      if (b !== undefined) return b;
      const near = closeMatches(name, Object.keys(all));
      throw new RuleParamError(`boundary '${name}' was not supplied${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
    },
  };
}

function stepParts(step: unknown, where: string, problems: string[], allowSeverity: boolean): { id: string; params: unknown; severity?: unknown } | null {
  if (typeof step === 'string') return { id: step, params: undefined };
  if (typeof step !== 'object' || step === null || Array.isArray(step) || typeof (step as { rule?: unknown }).rule !== 'string') {
    problems.push(`${where}: a step is a rule id or { rule, params${allowSeverity ? ', severity' : ''} }`);
    return null;
  }
  const allowed = allowSeverity ? ['rule', 'params', 'severity'] : ['rule', 'params'];
  for (const key of Object.keys(step)) {
    if (!allowed.includes(key)) {
      const near = closeMatches(key, allowed);
      problems.push(`${where}: unknown key '${key}'${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
      return null;
    }
  }
  const s = step as { rule: string; params?: unknown; severity?: unknown };
  return { id: s.rule, params: s.params, severity: s.severity };
}

function resolveRule(id: string, kind: Rule['kind'], where: string, problems: string[]): Rule | null {
  const rule = findRule(id) ?? (kind === 'normaliser' ? findRule(`normalise.${id}`) : undefined);
  if (rule === undefined) {
    const ofKind = RULES.filter((r) => r.kind === kind).map((r) => r.id);
    const near = closeMatches(id, kind === 'normaliser' ? [...ofKind, ...ofKind.map((r) => r.slice('normalise.'.length))] : ofKind);
    problems.push(`${where}: unknown ${kind} '${id}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
    return null;
  }
  if (rule.kind !== kind) {
    problems.push(`${where}: '${id}' is a ${rule.kind}, not a ${kind}`);
    return null;
  }
  return rule;
}

function resolveSeverity(rule: Rule, given: unknown, where: string, problems: string[]): Severity | null {
  if (given === undefined) return rule.severity;
  if (given !== 'reject' && given !== 'flag') {
    problems.push(`${where}: severity must be 'reject' or 'flag', got '${String(given)}'`);
    return null;
  }
  return given;
}

function attempt<T>(where: string, problems: string[], make: () => T): T | null {
  try {
    return make();
  } catch (e) {
    if (e instanceof RuleParamError || e instanceof RangeError || e instanceof SyntaxError) {
      problems.push(`${where}: ${e.message}`);
      return null;
    }
    throw e;
  }
}

/**
 * Compiles `spec` for rows with `columns`. Every problem (unknown rule or column, bad parameter, missing
 * reference table, dedup key not in the data) is collected and thrown together as a RulePlanError, before
 * any row is looked at.
 */
export function compilePlan(columns: readonly string[], spec: TableRuleSpec | LooseTableRuleSpec, ctx: CompileContext = {}): RulePlan {
  // Typed specs are loose specs whose ids and params the compiler happened to be able to check.
  const loose = spec as LooseTableRuleSpec;
  const townColumn = loose.geo?.town?.column;
  const derived = new Set(townColumn !== undefined && !columns.includes(townColumn) ? [townColumn] : []);
  const b = new PlanBuilder([...columns]);
  const { problems } = b;
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) problems.push(`column '${c}' appears twice`);
    seen.add(c);
  }
  columns = [...columns, ...derived];
  (b.columns as string[]).push(...derived);
  if (ctx.today !== undefined && !isIsoDate(ctx.today)) problems.push(`today must be an ISO date (yyyy-mm-dd), got '${ctx.today}'`);
  const env = makeEnv(columns, ctx);

  for (const [name, rules] of Object.entries(loose.columns ?? {})) {
    const column = columns.indexOf(name);
    if (column < 0) {
      problems.push(`columns.${name}: ${describeColumn(columns, name)}`);
      continue;
    }
    (rules.normalise ?? []).forEach((step, i) => {
      const where = `columns.${name}.normalise[${i}]`;
      const parts = stepParts(step, where, problems, false);
      const rule = parts && resolveRule(parts.id, 'normaliser', where, problems);
      if (!parts || !rule || rule.kind !== 'normaliser') return;
      const fn = attempt(`${where} (${rule.id})`, problems, () => rule.create(parts.params, env));
      if (fn) b.normalisers.push({ column, ruleId: rule.id, fn, slot: b.slot(rule, name, 'fix'), severity: 'fix', acceptsNull: false });
    });
    (rules.validate ?? []).forEach((step, i) => {
      const where = `columns.${name}.validate[${i}]`;
      const parts = stepParts(step, where, problems, true);
      const rule = parts && resolveRule(parts.id, 'validator', where, problems);
      if (!parts || !rule || rule.kind !== 'validator') return;
      const severity = resolveSeverity(rule, parts.severity, where, problems);
      const fn = attempt(`${where} (${rule.id})`, problems, () => rule.create(parts.params, env));
      if (fn && severity) {
        b.validators.push({ column, ruleId: rule.id, fn, slot: b.slot(rule, name, severity), severity, acceptsNull: rule.acceptsNull });
      }
    });
  }
  // Normalisers run column by column, each column's steps in the order written.
  b.normalisers.sort((x, y) => x.column - y.column);

  if (loose.geo !== undefined) {
    const geo = loose.geo;
    b.geo =
      attempt('geo', problems, () => GeoStep.compile(geo, columns, derived, env.boundary, (id, column, severity) => b.slot(findRule(id)!, column, severity))) ??
      undefined;
  }

  (loose.deep ?? []).forEach((step, i) => {
    const where = `deep[${i}]`;
    const parts = stepParts(step, where, problems, true);
    const rule = parts && resolveRule(parts.id, 'deep', where, problems);
    if (!parts || !rule || rule.kind !== 'deep') return;
    const severity = resolveSeverity(rule, parts.severity, where, problems);
    const made = attempt(`${where} (${rule.id})`, problems, () => ({ fn: rule.create(parts.params, env), inputs: rule.inputs(parts.params) }));
    if (made && severity) {
      const label = made.inputs.join(',');
      b.deep.push({ column: -1, ruleId: rule.id, fn: made.fn, slot: b.slot(rule, label, severity), severity, acceptsNull: true });
    }
  });

  if (loose.dedup !== undefined) {
    const dedup = loose.dedup;
    if (attempt('dedup', problems, () => new DuplicateTracker(dedup, columns, 0))) {
      b.dedup = dedup;
      b.dedupSlot = b.slot(findRule('deep.duplicate')!, dedup.key.join(','), 'reject', 'dedup');
    }
  }

  if (problems.length > 0) throw new RulePlanError(problems);
  return new RulePlan(b);
}
