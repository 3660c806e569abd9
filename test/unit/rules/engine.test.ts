import { describe, expect, it } from 'vitest';
import { RuleCounters } from '../../../governance/rules/counters.ts';
import { RulePlanError, compilePlan } from '../../../governance/rules/engine.ts';
import type { TableRuleSpec } from '../../../governance/rules/spec.ts';

const COLUMNS = ['id', 'citizen_id', 'gender', 'birth_date', 'mobile', 'street', 'updated_at'];

const SPEC: TableRuleSpec = {
  columns: {
    citizen_id: { normalise: ['citizen_id'], validate: ['value.required', { rule: 'citizen_id.valid', params: { today: '2026-11-01' } }] },
    gender: { validate: [{ rule: 'value.enum', params: { values: ['男', '女'] } }] },
    birth_date: { normalise: ['trim', 'normalise.date'], validate: ['date.valid'] },
    mobile: { normalise: ['null_tokens', 'mobile'], validate: [{ rule: 'value.required', severity: 'flag' }, 'mobile.valid'] },
    street: {
      normalise: [{ rule: 'value_map', params: { table: 'streets_alias' } }],
      validate: [{ rule: 'value.code_table', params: { table: 'streets' } }],
    },
  },
  deep: [
    { rule: 'deep.id_birth_consistency', params: { citizenId: 'citizen_id', birthDate: 'birth_date' } },
    { rule: 'deep.id_gender_consistency', params: { citizenId: 'citizen_id', gender: 'gender' }, severity: 'flag' },
    { rule: 'deep.not_future', params: { column: 'updated_at' } },
  ],
  dedup: { key: ['citizen_id'], survivorship: 'first' },
};

const CTX = {
  today: '2026-11-01',
  tables: { streets: new Set(['莘庄镇', '七宝镇']), streets_alias: new Map([['莘庄', '莘庄镇']]) },
};

const ID = '310112195408172938'; // male, 1954-08-17
const row = (over: Partial<Record<string, string | null>> = {}): (string | null)[] => {
  const base: Record<string, string | null> = {
    id: '1',
    citizen_id: ID,
    gender: '男',
    birth_date: '1954-08-17',
    mobile: '13800138000',
    street: '莘庄镇',
    updated_at: '2026-10-01T10:00:00+08:00',
    ...over,
  };
  return COLUMNS.map((c) => base[c]!);
};

function problemsOf(spec: TableRuleSpec, columns = COLUMNS, ctx: Parameters<typeof compilePlan>[2] = CTX): readonly string[] {
  try {
    compilePlan(columns, spec, ctx);
  } catch (e) {
    if (e instanceof RulePlanError) return e.problems;
    throw e;
  }
  return [];
}

describe('evaluateRow', () => {
  const plan = compilePlan(COLUMNS, SPEC, CTX);

  it('passes a clean row untouched', () => {
    const values = row();
    const r = plan.evaluateRow(values, { tracker: plan.newTracker() }, 1);
    expect(r).toEqual({ values, outcome: 'clean', fixes: [], flags: [], rejections: [], duplicateOf: undefined, replaces: undefined });
    expect(r.values).not.toBe(values);
  });

  it('normalises, records each fix, and leaves the input alone', () => {
    const values = row({ citizen_id: '310112540817293', birth_date: ' 1954年8月17日', mobile: '+86 138-0013-8000', street: '莘庄' });
    const copy = [...values];
    const r = plan.evaluateRow(values, { tracker: plan.newTracker() });
    expect(values).toEqual(copy);
    expect(r.outcome).toBe('clean');
    expect(r.values).toEqual(row());
    expect(r.fixes).toEqual(['normalise.citizen_id', 'normalise.trim', 'normalise.date', 'normalise.mobile', 'normalise.value_map']);
  });

  it('rejects with every failing rule and its specific reason', () => {
    const r = plan.evaluateRow(row({ citizen_id: '310112195408172939', mobile: '1380013800', street: '浦东' }), { tracker: plan.newTracker() });
    expect(r.outcome).toBe('rejected');
    expect(r.rejections.map((f) => [f.ruleId, f.column, f.reason.en])).toEqual([
      ['citizen_id.valid', 'citizen_id', 'citizen ID check character is wrong'],
      ['mobile.valid', 'mobile', 'mobile number must have 11 digits'],
      ['value.code_table', 'street', 'value is not in the code table'],
    ]);
  });

  it('flags without rejecting, with severities from the spec', () => {
    const r = plan.evaluateRow(row({ gender: '女', mobile: 'NULL' }), { tracker: plan.newTracker() });
    expect(r.outcome).toBe('flagged');
    expect(r.values[4]).toBeNull();
    expect(r.fixes).toEqual(['normalise.null_tokens']);
    expect(r.flags.map((f) => [f.ruleId, f.column])).toEqual([
      ['value.required', 'mobile'],
      ['deep.id_gender_consistency', 'citizen_id,gender'],
    ]);
    expect(r.rejections).toEqual([]);
  });

  it('lets a rejection win over flags', () => {
    const r = plan.evaluateRow(row({ mobile: null, birth_date: '1954-08-18' }), { tracker: plan.newTracker() });
    expect(r.outcome).toBe('rejected');
    expect(r.flags.map((f) => f.ruleId)).toEqual(['value.required']);
    expect(r.rejections.map((f) => f.ruleId)).toEqual(['deep.id_birth_consistency']);
  });

  it('uses the compile-time today for rules that omit it', () => {
    const r = plan.evaluateRow(row({ updated_at: '2026-11-02T00:00:00+08:00' }), { tracker: plan.newTracker() });
    expect(r.rejections.map((f) => f.ruleId)).toEqual(['deep.not_future']);
  });

  it('de-duplicates only rows that would otherwise be published', () => {
    const state = { tracker: plan.newTracker() };
    expect(plan.evaluateRow(row({ mobile: '12345' }), state, 1).outcome).toBe('rejected');
    expect(plan.evaluateRow(row(), state, 2).outcome).toBe('clean');
    const dup = plan.evaluateRow(row({ citizen_id: '310112540817293' }), state, 3);
    expect(dup.outcome).toBe('rejected');
    expect(dup.duplicateOf).toBe(2);
    expect(dup.rejections).toEqual([{ ruleId: 'deep.duplicate', column: 'citizen_id', reason: expect.objectContaining({ zh: expect.any(String) }) }]);
    expect(plan.evaluateRow(row({ citizen_id: '11010519491231002X', birth_date: '1949-12-31', gender: '女' }), state, 4).outcome).toBe('clean');
  });

  it('reports which earlier row a latest-wins row replaces', () => {
    const latest = compilePlan(COLUMNS, { dedup: { key: ['citizen_id'], survivorship: 'latest', orderBy: 'updated_at' } });
    const state = { tracker: latest.newTracker() };
    expect(latest.evaluateRow(row({ updated_at: '2024-01-01' }), state, 10).replaces).toBeUndefined();
    const newer = latest.evaluateRow(row({ updated_at: '2025-01-01' }), state, 11);
    expect([newer.outcome, newer.replaces, newer.duplicateOf]).toEqual(['clean', 10, undefined]);
    const older = latest.evaluateRow(row({ updated_at: '2023-01-01' }), state, 12);
    expect([older.outcome, older.duplicateOf]).toEqual(['rejected', 11]);
  });

  it('insists on a tracker when the plan de-duplicates, and on the right row width', () => {
    expect(() => plan.evaluateRow(row())).toThrow(/pass a tracker/);
    expect(() => plan.evaluateRow(row().slice(1), { tracker: plan.newTracker() })).toThrow(/6 values, the plan expects 7/);
    expect(() => compilePlan(COLUMNS, {}).newTracker()).toThrow(/no dedup/);
    expect(compilePlan(COLUMNS, {}).evaluateRow(row()).outcome).toBe('clean');
  });

  it('applies normalisers in column order whatever the spec order', () => {
    const p = compilePlan(['a', 'b'], { columns: { b: { normalise: ['upper', 'trim'] }, a: { normalise: ['lower'] } } });
    const r = p.evaluateRow(['X', ' y ']);
    expect(r.values).toEqual(['x', 'Y']);
    expect(r.fixes).toEqual(['normalise.lower', 'normalise.upper', 'normalise.trim']);
  });
});

describe('RuleCounters', () => {
  const plan = compilePlan(COLUMNS, SPEC, CTX);
  const rows = [
    row(),
    row({ citizen_id: '310112195408172939' }),
    row({ mobile: null }),
    row({ mobile: '-', street: '莘庄' }),
    row({ gender: '女' }),
    row({ birth_date: 'unknown' }),
  ];

  function run(counters: RuleCounters, from = 0, to = rows.length, tracker = plan.newTracker()) {
    for (let i = from; i < to; i++) plan.evaluateRow(rows[i]!, { counters, tracker }, i);
    return tracker;
  }

  it('counts A (passed) and B (evaluated) per rule and column', () => {
    const counters = plan.newCounters();
    run(counters);
    const table = Object.fromEntries(counters.entries().map((e) => [`${e.ruleId}@${e.column}`, [e.passed, e.evaluated]]));
    expect(table).toEqual({
      'normalise.citizen_id@citizen_id': [6, 6],
      'value.required@citizen_id': [6, 6],
      'citizen_id.valid@citizen_id': [5, 6],
      'value.enum@gender': [6, 6],
      'normalise.trim@birth_date': [6, 6],
      'normalise.date@birth_date': [6, 6],
      'date.valid@birth_date': [5, 6],
      // null is not seen by normalisers; '-' is a null token.
      'normalise.null_tokens@mobile': [4, 5],
      'normalise.mobile@mobile': [4, 4],
      'value.required@mobile': [4, 6],
      'mobile.valid@mobile': [4, 4],
      'normalise.value_map@street': [5, 6],
      'value.code_table@street': [6, 6],
      // The unreadable birth date is not judged.
      'deep.id_birth_consistency@citizen_id,birth_date': [5, 5],
      'deep.id_gender_consistency@citizen_id,gender': [5, 6],
      'deep.not_future@updated_at': [6, 6],
      // Rows 1 and 5 are rejected and never offered; the other four share one citizen ID.
      'deep.duplicate@citizen_id': [1, 4],
    });
    const mobile = counters.entries().find((e) => e.ruleId === 'value.required' && e.column === 'mobile')!;
    expect(mobile).toMatchObject({ kind: 'validator', severity: 'flag', dimension: 'completeness', rate: 4 / 6 });
  });

  it('survives a JSON checkpoint mid-stream and merges partitions', () => {
    const whole = plan.newCounters();
    run(whole);
    const first = plan.newCounters();
    const tracker = run(first, 0, 3);
    const resumed = RuleCounters.fromJSON(plan.slots, JSON.parse(JSON.stringify(first)));
    run(resumed, 3, rows.length, tracker);
    expect(resumed.toJSON()).toEqual(whole.toJSON());

    const a = plan.newCounters();
    const b = plan.newCounters();
    run(a, 0, 3);
    run(b, 3, rows.length);
    a.merge(b);
    // Partitions de-duplicate separately (the engine partitions by key), so only dedup differs here.
    const strip = (c: RuleCounters) =>
      c
        .entries()
        .filter((e) => e.kind !== 'dedup')
        .map((e) => [e.passed, e.evaluated]);
    expect(strip(a)).toEqual(strip(whole));
  });

  it('refuses counters of another plan', () => {
    const other = compilePlan(COLUMNS, { columns: { id: { validate: ['value.required'] } } });
    expect(() => plan.evaluateRow(row(), { counters: other.newCounters(), tracker: plan.newTracker() })).toThrow(/different plan/);
    expect(() => plan.newCounters().merge(other.newCounters())).toThrow(/different plans/);
    expect(() => RuleCounters.fromJSON(plan.slots, other.newCounters().toJSON())).toThrow(/value.required on id/);
  });

  it('keeps two uses of one rule on one column apart', () => {
    const p = compilePlan(['a'], {
      columns: {
        a: {
          validate: [
            { rule: 'value.regex', params: { pattern: '^a' } },
            { rule: 'value.regex', params: { pattern: 'z$' } },
          ],
        },
      },
    });
    const counters = p.newCounters();
    p.evaluateRow(['ab'], { counters });
    expect(counters.entries().map((e) => [e.occurrence, e.passed, e.evaluated])).toEqual([
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(p.evaluateRow(['ab']).rejections[0]?.reason.en).toBe('value does not match /z$/');
  });
});

describe('compilePlan errors', () => {
  it('collects every problem with its place and close matches', () => {
    const bad = {
      columns: {
        citizen: { validate: ['citizen_id.valid'] },
        mobile: { normalise: ['mobil'], validate: ['mobile.vaild', { rule: 'normalise.trim' }, { rule: 'mobile.valid', severity: 'fix' }] },
        street: { validate: [{ rule: 'value.code_table', params: { table: 'street' } }] },
        gender: { validate: [{ rule: 'value.enum', params: { valuse: ['男'] } }, { rule: 'value.enum' }] },
        id: {
          validate: [
            { rule: 'value.regex', params: { pattern: '(' } },
            { rule: 'value.length', params: { min: 5, max: 2 } },
            { rule: 'value.regex', params: { pattern: '^(\\d)\\1$' } },
          ],
        },
      },
      deep: [
        { rule: 'deep.id_birth_consistency', params: { citizenId: 'citizen_id', birthDate: 'birthdate' } },
        { rule: 'deep.not_future', params: { column: 'updated_at' } },
        { rule: 'deep.duplicate' },
        { rule: 'deep.id_gender', params: {} },
      ],
      dedup: { key: ['citizenid'], survivorship: 'first' },
    } as unknown as TableRuleSpec;
    expect(problemsOf(bad, COLUMNS, { tables: { streets: new Set() } })).toEqual([
      "columns.citizen: 'citizen' is not a column (did you mean citizen_id?)",
      "columns.mobile.normalise[0]: unknown normaliser 'mobil'; did you mean mobile, normalise.mobile?",
      "columns.mobile.validate[0]: unknown validator 'mobile.vaild'; did you mean mobile.valid?",
      "columns.mobile.validate[1]: 'normalise.trim' is a normaliser, not a validator",
      "columns.mobile.validate[2]: severity must be 'reject' or 'flag', got 'fix'",
      "columns.street.validate[0] (value.code_table): reference table 'street' was not supplied (did you mean streets?)",
      "columns.gender.validate[0] (value.enum): unknown parameter 'valuse'; did you mean values?",
      'columns.gender.validate[1] (value.enum): params.values must be a list of strings',
      'columns.id.validate[0] (value.regex): Invalid regular expression: /(/: Unterminated group',
      'columns.id.validate[1] (value.length): params.min 5 exceeds params.max 2',
      'columns.id.validate[2] (value.regex): pattern /^(\\d)\\1$/ uses a backreference (\\1): value.regex runs on a linear-time engine (RE2), which has no backreferences or lookaround',
      "deep[0] (deep.id_birth_consistency): 'birthdate' is not a column (did you mean birth_date?)",
      'deep[1] (deep.not_future): needs params.today or a compile-time today: the rule library reads no clock',
      "deep[2] (deep.duplicate): de-duplication is configured in the plan's dedup section, not as a deep check",
      "deep[3]: unknown deep 'deep.id_gender'; did you mean deep.id_gender_consistency?",
      "dedup: dedup key column 'citizenid' is not a column (did you mean citizen_id?)",
    ]);
  });

  it('puts the problems in the error message', () => {
    expect(() => compilePlan(['a'], { columns: { b: {} } })).toThrow("invalid rule plan:\n  - columns.b: 'b' is not a column");
  });

  it('checks step shapes, table kinds, duplicate columns and today', () => {
    const spec = {
      columns: {
        a: { normalise: [{ rule: 'trim', severity: 'fix' }, 42], validate: [{ rule: 'value.code_table', params: { table: 'aliases' } }] },
        b: {
          normalise: [
            { rule: 'value_map', params: { table: 'codes' } },
            { rule: 'value_map', params: { map: { x: 'y' }, table: 't' } },
          ],
        },
      },
    } as unknown as TableRuleSpec;
    expect(problemsOf(spec, ['a', 'b', 'a'], { today: '2026/11/01', tables: { codes: new Set(), aliases: new Map() } })).toEqual([
      "column 'a' appears twice",
      "today must be an ISO date (yyyy-mm-dd), got '2026/11/01'",
      "columns.a.normalise[0]: unknown key 'severity'",
      'columns.a.normalise[1]: a step is a rule id or { rule, params }',
      "columns.a.validate[0] (value.code_table): reference table 'aliases' is a value map, not a set of codes",
      "columns.b.normalise[0] (normalise.value_map): reference table 'codes' is a set of codes, not a value map",
      'columns.b.normalise[1] (normalise.value_map): normalise.value_map params needs exactly one of map or table',
    ]);
  });

  it('type-checks specs', () => {
    const ok: TableRuleSpec = { columns: { a: { normalise: ['trim', 'normalise.upper'], validate: ['mobile.valid'] } } };
    // @ts-expect-error value.enum needs params
    const noParams: TableRuleSpec = { columns: { a: { validate: ['value.enum'] } } };
    // @ts-expect-error normalisers take no severity
    const severity: TableRuleSpec = { columns: { a: { normalise: [{ rule: 'trim', severity: 'flag' }] } } };
    // @ts-expect-error unknown rule
    const unknown: TableRuleSpec = { columns: { a: { validate: ['mobile.vaild'] } } };
    // @ts-expect-error wrong parameter type
    const wrongType: TableRuleSpec = { columns: { a: { validate: [{ rule: 'value.range', params: { min: '0' } }] } } };
    expect([ok, noParams, severity, unknown, wrongType].length).toBe(5);
  });

  it('accepts specs as parsed from YAML, checking ids and params itself', () => {
    // The shape a zod schema infers: plain strings and records.
    const parsed: {
      columns?: Record<string, { normalise?: (string | { rule: string; params?: Record<string, unknown> })[]; validate?: string[] }>;
      dedup?: { key: string[]; survivorship: 'first' | 'latest'; orderBy?: string | undefined };
    } = { columns: { a: { normalise: [{ rule: 'null_tokens', params: { tokens: ['?'] } }], validate: ['value.required'] } } };
    expect(compilePlan(['a'], parsed).evaluateRow(['?']).outcome).toBe('rejected');
    expect(problemsOf({ columns: { a: { validate: ['value.enum'] } } } as never, ['a'])).toEqual([
      'columns.a.validate[0] (value.enum): params.values must be a list of strings',
    ]);
  });
});
