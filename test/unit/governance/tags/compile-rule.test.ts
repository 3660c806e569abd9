import { describe, expect, it } from 'vitest';
import { compileRule, RuleError, ruleEnvironment } from '../../../../governance/tags/compile-rule.ts';
import { celTypeOf, toCelValue, type RuleField } from '../../../../governance/tags/field-types.ts';
import type { CelValue } from '../../../../governance/tags/field-types.ts';

const FIELDS: RuleField[] = [
  { name: 'age', type: 'int', origin: 'computed' },
  { name: 'household_size', type: 'int', origin: 'join' },
  { name: 'registered_capital', type: 'double', origin: 'column' },
  { name: 'tax_paid', type: 'double', origin: 'column' },
  { name: 'name', type: 'string', origin: 'column' },
  { name: 'birth_date', type: 'string', origin: 'column date' },
  { name: 'active', type: 'bool', origin: 'column' },
  { name: 'updated_at', type: 'timestamp', origin: 'column' },
];
const env = ruleEnvironment(FIELDS);
const values = (v: Record<string, CelValue | null>) => new Map(Object.entries(v));

function refusal(expression: string): RuleError {
  try {
    compileRule(expression, FIELDS, env);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    return error as RuleError;
  }
  throw new Error(`compiled: ${expression.slice(0, 80)}`);
}

/** Refused with a message matching `why`, well within the time bound (parse, check and cost walk). */
function refusedQuickly(expression: string, why: RegExp, boundMs = 200): RuleError {
  const started = performance.now();
  const error = refusal(expression);
  const elapsed = performance.now() - started;
  expect(error.message).toMatch(why);
  expect(elapsed).toBeLessThan(boundMs);
  return error;
}

describe('compileRule', () => {
  it('evaluates typed rules and gives the values it read as evidence', () => {
    const elderlyAlone = compileRule('age >= 60 && household_size == 1', FIELDS, env);
    expect(elderlyAlone.fields).toEqual(['age', 'household_size']);
    expect(elderlyAlone.evaluate(values({ age: 61n, household_size: 1n }))).toEqual({ result: 'match', evidence: { age: 61, household_size: 1 } });
    expect(elderlyAlone.evaluate(values({ age: 59n, household_size: 1n }))).toEqual({ result: 'no-match' });
    const shell = compileRule('registered_capital > 1e7 && tax_paid < 1e4', FIELDS, env);
    expect(shell.evaluate(values({ registered_capital: 2e7, tax_paid: 300 }))).toEqual({
      result: 'match',
      evidence: { registered_capital: 2e7, tax_paid: 300 },
    });
    expect(
      compileRule('birth_date < "1966-01-01" && name.startsWith("张")', FIELDS, env).evaluate(values({ birth_date: '1950-03-02', name: '张三' })).result,
    ).toBe('match');
    expect(
      compileRule('updated_at > timestamp("2026-01-01T00:00:00Z")', FIELDS, env).evaluate(values({ updated_at: new Date('2026-05-01T00:00:00Z') })).result,
    ).toBe('match');
  });

  it('does not decide on empty fields and counts failures on a row as errors', () => {
    const rule = compileRule('age >= 60', FIELDS, env);
    expect(rule.evaluate(values({ age: null }))).toEqual({ result: 'unknown', missing: 'age' });
    const intDivision = compileRule('age / household_size > 10', FIELDS, env);
    expect(intDivision.evaluate(values({ age: 60n, household_size: 0n }))).toMatchObject({
      result: 'error',
      message: expect.stringMatching(/division by zero/),
    });
  });

  it('points at the column of a syntax error', () => {
    const error = refusal('age >= 60 &&');
    expect(error.column).toBe(13);
    expect(error.message).toMatch(/at column 13/);
    expect(refusal('age >= 60 OR household_size == 1').column).toBe(11);
  });

  it('names the known fields for an unknown one, with a suggestion', () => {
    const error = refusal('household_sise == 1');
    expect(error.message).toMatch(/unknown field "household_sise" \(did you mean household_size\?\)/);
    expect(error.message).toMatch(/known fields: age, household_size, registered_capital/);
    expect(error.column).toBe(1);
  });

  it('refuses type errors and rules that are not true or false', () => {
    expect(refusal('age + name').message).toMatch(/no such overload/);
    expect(refusal('age + 1').message).toMatch(/gives int values/);
    expect(refusal('name == 1').message).toMatch(/no such overload/);
  });

  it('maps PostgreSQL types and COPY text to CEL values', () => {
    expect(celTypeOf('integer')).toBe('int');
    expect(celTypeOf('numeric(12,2)')).toBe('double');
    expect(celTypeOf('timestamp with time zone')).toBe('timestamp');
    expect(celTypeOf('timestamp without time zone')).toBe('string');
    expect(celTypeOf('date')).toBe('string');
    expect(toCelValue('int', '42')).toBe(42n);
    expect(toCelValue('bool', 't')).toBe(true);
    expect((toCelValue('timestamp', '2026-11-01 08:30:00+08') as Date).toISOString()).toBe('2026-11-01T00:30:00.000Z');
    expect(toCelValue('string', null)).toBeNull();
  });
});

describe('malicious rules are refused with a clear error in bounded time', () => {
  it('prototype access and JavaScript', () => {
    refusedQuickly('constructor', /unknown field "constructor"/);
    refusedQuickly('__proto__', /Reserved identifier: __proto__/);
    refusedQuickly('name.__proto__ == ""', /Reserved identifier|__proto__/);
    refusedQuickly('this.constructor.constructor("return process")()', /at column/);
    refusedQuickly('name.constructor == ""', /Cannot index type 'string'/);
    refusedQuickly('process.exit(1)', /function exit\(\) is not available|unknown field "process"/);
  });

  it('SQL fragments', () => {
    refusedQuickly('1; DROP TABLE x', /Unexpected character: ; at column 2/);
    refusedQuickly("name == '' OR 1=1 --", /at column/);
    refusedQuickly('age >= 60 UNION SELECT * FROM dataops.runs', /at column 11/);
  });

  it('deep nesting and huge inputs', () => {
    refusedQuickly(`${'('.repeat(10_000)}1${')'.repeat(10_000)} == 1`, /characters long/);
    refusedQuickly(`${'('.repeat(1_000)}age${')'.repeat(1_000)} > 1`, /Exceeded maxDepth/);
    refusedQuickly(`${'!'.repeat(3_000)}active`, /Exceeded maxAstNodes/);
    refusedQuickly(`name == "${'a'.repeat(1_000_000)}"`, /1000010 characters long; at most 4000/);
    refusedQuickly(`age in [${Array.from({ length: 500 }, (_, i) => i).join(',')}]`, /Exceeded maxListElements/);
    refusedQuickly(`{${Array.from({ length: 80 }, (_, i) => `"k${i}": ${i}`).join(',')}}.size() > 0`, /Exceeded maxMapEntries/);
  });

  it('expensive computation', () => {
    const list = `[${Array.from({ length: 100 }, (_, i) => i).join(',')}]`;
    refusedQuickly(`${list}.exists(a, ${list}.exists(b, ${list}.exists(c, a * b * c == age)))`, /too expensive: static cost \d+ exceeds 20000/);
    refusedQuickly('name.matches("(a+)+$")', /function matches\(\) is not available in tag rules .* at column 6/);
    refusedQuickly('cel.bind(l, [1, 2], size(l + l) > age)', /cel.bind is not available/);
    refusedQuickly('name.split(",").size() > 1', /function split\(\) is not available/);
    refusedQuickly('["a"].exists(p, name.split(",").exists(q, q == p))', /not available|may only iterate/);
    // A comprehension over a value from the row would cost as much as the row is long.
    const f: RuleField[] = [{ name: 'tags', type: 'string', origin: '' }];
    expect(() => compileRule('tags.exists(t, t == "x")', f)).toThrow(RuleError);
  });

  it('a bounded comprehension over a literal list still compiles and runs', () => {
    const rule = compileRule('[1, 2, 3].exists(n, n == household_size)', FIELDS, env);
    expect(rule.fields).toEqual(['household_size']);
    expect(rule.evaluate(values({ household_size: 2n })).result).toBe('match');
  });
});

describe('ruleSyntaxProblem (offline, before the catalogue is known)', () => {
  it('passes rules over any field and refuses syntax, functions and size', async () => {
    const { ruleSyntaxProblem } = await import('../../../../governance/tags/compile-rule.ts');
    expect(ruleSyntaxProblem('age >= 60 && anything == "x"')).toBeUndefined();
    expect(ruleSyntaxProblem('age >= 60 &&')).toMatch(/at column 13/);
    expect(ruleSyntaxProblem('name.matches("a+")')).toMatch(/matches\(\) is not available/);
    expect(ruleSyntaxProblem('x'.repeat(5000))).toMatch(/at most 4000/);
  });
});

describe('timestamps JavaScript cannot hold', () => {
  it('are no value: the rule does not decide', () => {
    expect(toCelValue('timestamp', 'infinity')).toBeNull();
    expect(toCelValue('timestamp', '0044-03-15 12:00:00+00 BC')).toBeNull();
  });
});
