import { Environment } from '@marcbachmann/cel-js';
import { closeMatches } from '../rules/suggest.ts';
import { evidenceValue, type CelFieldType, type CelValue, type RuleField } from './field-types.ts';
import { type AstNode, checkRuleCost, identifiersOf, MAX_RULE_LENGTH, PARSE_LIMITS, RuleLimitError } from './rule-limits.ts';

const CEL_TYPE: Record<CelFieldType, string> = {
  int: 'int',
  double: 'double',
  string: 'string',
  bool: 'bool',
  timestamp: 'google.protobuf.Timestamp',
};

/** A rule that does not compile: the message says where (1-based column) and why. */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(
    readonly summary: string,
    /** Character offset in the expression (0-based). */
    readonly offset: number,
    readonly expression: string,
  ) {
    super(`${summary} at column ${offset + 1}${pointer(expression, offset)}`);
  }

  get column(): number {
    return this.offset + 1;
  }
}

/** The expression's line with a caret under the offset (short expressions only: long ones would flood the message). */
function pointer(expression: string, offset: number): string {
  if (expression.length > 200 || expression.includes('\n')) return '';
  return `\n    ${expression}\n    ${' '.repeat(offset)}^`;
}

/** How one entity came out: tagged with the values that made it so, not tagged, or not decidable. */
export type RuleOutcome =
  | { result: 'match'; evidence: Record<string, unknown> }
  | { result: 'no-match' }
  /** A field the rule reads is empty: the rule says nothing about this entity. */
  | { result: 'unknown'; missing: string }
  /** The rule failed on this entity's values (division by zero, overflow). */
  | { result: 'error'; message: string };

export interface CompiledRule {
  expression: string;
  /** The fields the rule reads, in order of appearance: its evidence. */
  fields: string[];
  cost: number;
  evaluate(values: ReadonlyMap<string, CelValue | null>): RuleOutcome;
  /** The same on a row's values already gathered by name (one object shared by every rule of a row). */
  evaluateContext(context: Readonly<Record<string, CelValue | null>>): RuleOutcome;
}

interface CelError {
  name?: string;
  summary?: string;
  message?: string;
  range?: { start: number; end: number };
}

/** A compile failure from cel-js as a RuleError at its position, naming the known fields for an unknown one. */
function ruleError(error: unknown, expression: string, fields: readonly RuleField[]): RuleError {
  if (error instanceof RuleLimitError) return new RuleError(error.message, error.offset, expression);
  const e = error as CelError;
  let summary = e.summary ?? e.message ?? String(error);
  const unknown = summary.match(/^Unknown variable: (.+)$/)?.[1];
  if (unknown) {
    const names = fields.map((f) => f.name);
    const near = closeMatches(unknown, names);
    summary = `unknown field "${unknown}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; known fields: ${names.join(', ') || '(none)'}`;
  }
  return new RuleError(summary, e.range?.start ?? 0, expression);
}

/** One environment per field list: building one costs more than compiling a rule in it. */
export function ruleEnvironment(fields: readonly RuleField[]): Environment {
  const env = new Environment({ limits: PARSE_LIMITS, homogeneousAggregateLiterals: true });
  for (const f of fields) env.registerVariable(f.name, CEL_TYPE[f.type]);
  return env;
}

/**
 * Compiles a tag rule: length first, then the parser's own limits (nodes, depth, list sizes), then the
 * allowed functions and static cost, then the types of the declared fields; it must be a bool.
 * Nothing of the expression reaches SQL or JavaScript evaluation: cel-js interprets its own tree.
 */
export function compileRule(expression: string, fields: readonly RuleField[], env: Environment = ruleEnvironment(fields)): CompiledRule {
  if (expression.length > MAX_RULE_LENGTH) {
    throw new RuleError(`the rule is ${expression.length} characters long; at most ${MAX_RULE_LENGTH} are allowed`, MAX_RULE_LENGTH, expression);
  }
  if (!expression.trim()) throw new RuleError('the rule is empty', 0, expression);
  let program: ReturnType<Environment['parse']>;
  let cost: number;
  try {
    program = env.parse(expression);
    cost = checkRuleCost(program.ast as unknown as AstNode);
    const checked = program.check();
    if (!checked.valid) throw checked.error;
    const type = String(checked.type);
    if (type !== 'bool') throw new RuleError(`the rule gives ${type} values, not true or false`, 0, expression);
  } catch (error) {
    if (error instanceof RuleError) throw error;
    throw ruleError(error, expression, fields);
  }
  const known = new Set(fields.map((f) => f.name));
  const read = identifiersOf(program.ast as unknown as AstNode).filter((name) => known.has(name));
  const NO_MATCH: RuleOutcome = { result: 'no-match' };
  const run = (context: Readonly<Record<string, CelValue | null>>): RuleOutcome => {
    for (const name of read) {
      const value = context[name];
      if (value === null || value === undefined) return { result: 'unknown', missing: name };
    }
    let result: unknown;
    try {
      result = program(context);
    } catch (error) {
      return { result: 'error', message: (error as CelError).summary ?? String(error) };
    }
    if (result !== true) return NO_MATCH;
    const evidence: Record<string, unknown> = {};
    for (const name of read) evidence[name] = evidenceValue(context[name]);
    return { result: 'match', evidence };
  };
  return {
    expression,
    fields: read,
    cost,
    evaluate(values) {
      const context: Record<string, CelValue | null> = {};
      for (const name of read) context[name] = values.get(name) ?? null;
      return run(context);
    },
    evaluateContext: run,
  };
}

let syntaxEnvironment: Environment | undefined;

/**
 * What is wrong with a rule's syntax or cost, checked without the catalogue (fields are not known
 * yet: their names and types are checked when the run plans): for `dataops validate` and `run`.
 */
export function ruleSyntaxProblem(expression: string): string | undefined {
  if (expression.length > MAX_RULE_LENGTH) return `the rule is ${expression.length} characters long; at most ${MAX_RULE_LENGTH} are allowed`;
  syntaxEnvironment ??= new Environment({ limits: PARSE_LIMITS, unlistedVariablesAreDyn: true });
  try {
    checkRuleCost(syntaxEnvironment.parse(expression).ast as unknown as AstNode);
    return undefined;
  } catch (error) {
    return ruleError(error, expression, []).message;
  }
}
