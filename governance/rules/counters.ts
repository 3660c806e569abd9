// A / B counts per rule and column, the raw material of the DB31/T 1523 indicators (X = A / B).
//
// What A (passed) and B (evaluated) mean per kind:
//   normaliser  B = non-null values it saw, A = values it left unchanged (already in standard form)
//   validator   B = values it judged (non-null, except value.required), A = values that passed
//   deep        B = rows it applied to (inputs present and readable), A = rows that passed
//   dedup       B = rows offered (those passing every rejecting rule), A = rows kept
// Every rule sees every row, so a row rejected by one rule still counts for the others.
import type { Dimension, RuleKind, Severity } from './types.ts';

export interface CounterSlot {
  readonly ruleId: string;
  /** The column, or for record-level rules the columns they read joined by commas. */
  readonly column: string;
  /** 0 for the first use of a rule on a column, 1 for a second (two regexes, say), ... */
  readonly occurrence: number;
  readonly kind: RuleKind | 'dedup';
  readonly severity: Severity;
  readonly dimension: Dimension;
}

export interface CounterEntry extends CounterSlot {
  readonly passed: number;
  readonly evaluated: number;
  /** A / B, or null when nothing was evaluated. */
  readonly rate: number | null;
}

export interface RuleCountersState {
  readonly version: 1;
  readonly entries: readonly { ruleId: string; column: string; occurrence: number; passed: number; evaluated: number }[];
}

function slotKey(ruleId: string, column: string, occurrence: number): string {
  return `${ruleId}\u0000${column}\u0000${occurrence}`;
}

export class RuleCounters {
  readonly slots: readonly CounterSlot[];
  /** A per slot. Float64 so counts stay exact far beyond 2^32. */
  readonly passed: Float64Array;
  /** B per slot. */
  readonly evaluated: Float64Array;

  constructor(slots: readonly CounterSlot[]) {
    this.slots = slots;
    this.passed = new Float64Array(slots.length);
    this.evaluated = new Float64Array(slots.length);
  }

  /** Adds another partition's or attempt's counts (same plan). */
  merge(other: RuleCounters): void {
    if (other.slots.length !== this.slots.length) throw new RangeError('cannot merge counters of different plans');
    for (let i = 0; i < this.slots.length; i++) {
      const a = this.slots[i]!;
      const b = other.slots[i]!;
      if (a.ruleId !== b.ruleId || a.column !== b.column || a.occurrence !== b.occurrence) {
        throw new RangeError('cannot merge counters of different plans');
      }
      this.passed[i] = this.passed[i]! + other.passed[i]!;
      this.evaluated[i] = this.evaluated[i]! + other.evaluated[i]!;
    }
  }

  entries(): CounterEntry[] {
    return this.slots.map((slot, i) => {
      const passed = this.passed[i]!;
      const evaluated = this.evaluated[i]!;
      return { ...slot, passed, evaluated, rate: evaluated > 0 ? passed / evaluated : null };
    });
  }

  toJSON(): RuleCountersState {
    return {
      version: 1,
      entries: this.slots.map((s, i) => ({
        ruleId: s.ruleId,
        column: s.column,
        occurrence: s.occurrence,
        passed: this.passed[i]!,
        evaluated: this.evaluated[i]!,
      })),
    };
  }

  /** Restores a checkpoint into counters for `slots`; entries the plan no longer has are an error. */
  static fromJSON(slots: readonly CounterSlot[], state: RuleCountersState): RuleCounters {
    if (state.version !== 1) throw new RangeError(`unsupported counters checkpoint version ${String(state.version)}`);
    const counters = new RuleCounters(slots);
    const index = new Map(slots.map((s, i) => [slotKey(s.ruleId, s.column, s.occurrence), i]));
    for (const e of state.entries) {
      const i = index.get(slotKey(e.ruleId, e.column, e.occurrence));
      if (i === undefined) throw new RangeError(`counters checkpoint has ${e.ruleId} on ${e.column}, which the plan does not`);
      counters.passed[i] = e.passed;
      counters.evaluated[i] = e.evaluated;
    }
    return counters;
  }
}
