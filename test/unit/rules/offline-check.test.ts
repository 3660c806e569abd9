import { describe, expect, it } from 'vitest';
import { offlineRuleProblems } from '../../../governance/rules/offline-check.ts';
import type { LooseTableRuleSpec } from '../../../governance/rules/spec.ts';
import { CREDIT_CODE_PILOTS_TABLE, ENTERPRISES_PLAN, RESIDENTS_PLAN, SAMPLE_REFERENCE_DATE } from '../../../samples/rule-plans.ts';

describe('offlineRuleProblems', () => {
  it('finds misspelt rules and parameters, with suggestions', () => {
    const rules: LooseTableRuleSpec = {
      columns: {
        citizen_id: { validate: ['citizen_id.vaild'] },
        name: { validate: [{ rule: 'value.length', params: { min: 2, maks: 20 } }] },
      },
    };
    expect(offlineRuleProblems(rules, {})).toEqual([
      "columns.citizen_id.validate[0]: unknown validator 'citizen_id.vaild'; did you mean citizen_id.valid?",
      "columns.name.validate[0] (value.length): unknown parameter 'maks'; did you mean max?",
    ]);
  });

  it('refuses patterns the linear-time regex engine cannot run, saying why', () => {
    const rules: LooseTableRuleSpec = {
      columns: {
        code: { validate: [{ rule: 'value.regex', params: { pattern: '^(?!000)\\d{6}$' } }] },
        name: { validate: [{ rule: 'value.regex', params: { pattern: '^(a+)+$', flags: 'i' } }] },
      },
    };
    expect(offlineRuleProblems(rules, {})).toEqual([
      'columns.code.validate[0] (value.regex): pattern /^(?!000)\\d{6}$/ uses a lookahead (?!…): value.regex runs on a linear-time engine (RE2), which has no backreferences or lookaround',
    ]);
  });

  it('accepts columns it cannot see: those are checked against the source when the run starts', () => {
    const rules: LooseTableRuleSpec = {
      columns: { any_column: { normalise: ['trim'], validate: ['value.required'] } },
      deep: [{ rule: 'deep.temporal_order', params: { start: 'opened', end: 'closed' } }],
      dedup: { key: ['uscc'], survivorship: 'latest', orderBy: 'updated_at' },
    };
    expect(offlineRuleProblems(rules, {})).toEqual([]);
  });

  it('needs every named reference table declared, and a table reference of the right kind', () => {
    const rules: LooseTableRuleSpec = {
      columns: {
        street: { normalise: [{ rule: 'value_map', params: { table: 'aliases' } }], validate: [{ rule: 'value.code_table', params: { table: 'streets' } }] },
      },
    };
    expect(offlineRuleProblems(rules, {})).toHaveLength(2);
    // Files may hold codes or a map: either reading is accepted until the file is read.
    expect(offlineRuleProblems(rules, { aliases: { type: 'file' }, streets: { type: 'file' } })).toEqual([]);
    // A table's kind is known from the spec: codes without mapTo, a map with it.
    const swapped = offlineRuleProblems(rules, { aliases: { type: 'table' }, streets: { type: 'table', mapTo: 'canonical' } });
    expect(swapped).toEqual([
      "columns.street.normalise[0] (normalise.value_map): reference table 'aliases' is a set of codes, not a value map",
      "columns.street.validate[0] (value.code_table): reference table 'streets' is a value map, not a set of codes",
    ]);
  });

  it('accepts date-dependent rules without a spec date: the run supplies its own', () => {
    const rules: LooseTableRuleSpec = {
      deep: [
        { rule: 'deep.not_future', params: { column: 'registered_on' } },
        { rule: 'deep.within_days', params: { column: 'updated_on', days: 30 } },
      ],
    };
    expect(offlineRuleProblems(rules, {})).toEqual([]);
    expect(offlineRuleProblems(rules, {}, '2026-13-01')).toContain("today must be an ISO date (yyyy-mm-dd), got '2026-13-01'");
  });

  it('refuses a reference file read as codes by one rule and as a map by another', () => {
    const rules: LooseTableRuleSpec = {
      columns: {
        street: { normalise: [{ rule: 'value_map', params: { table: 'streets' } }], validate: [{ rule: 'value.code_table', params: { table: 'streets' } }] },
      },
    };
    expect(offlineRuleProblems(rules, { streets: { type: 'file' } })).toEqual([
      'references.streets: used both as a set of codes and as a value map; a reference file is one or the other',
    ]);
  });

  it('passes the bundled sample plans', () => {
    for (const plan of [RESIDENTS_PLAN, ENTERPRISES_PLAN]) {
      expect(offlineRuleProblems(plan, { [CREDIT_CODE_PILOTS_TABLE]: { type: 'file' } }, SAMPLE_REFERENCE_DATE)).toEqual([]);
    }
  });
});
