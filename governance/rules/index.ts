// The rule library's public surface: compile a table's rules once, evaluate rows, count A / B per rule.
export { compilePlan, RulePlan, RulePlanError, type EvaluationState, type Finding, type Outcome, type RowResult } from './engine.ts';
export { RuleCounters, type CounterEntry, type CounterSlot, type RuleCountersState } from './counters.ts';
export { DuplicateTracker, type DedupDecision, type DedupSpec, type DuplicateTrackerState, type Survivorship } from './dedup.ts';
export { RULES, findRule, ruleById, type Rule, type NormaliserRule, type ValidatorRule, type DeepRule, type RuleEnv } from './registry.ts';
export type { ColumnRules, DeepStep, LooseStep, LooseTableRuleSpec, NormaliserStep, TableRuleSpec, ValidatorStep } from './spec.ts';
export type * from './params.ts';
export type * from './types.ts';
