// Test and benchmark rule plans for the bundled sample tables (samples/data): residents.csv and enterprises.csv. Each injected
// defect kind ends in exactly one outcome under exactly one rule (see test/unit/rules/sample-data.test.ts).
import type { ColumnRules, TableRuleSpec } from '../governance/rules/spec.ts';
import { MINHANG_STREET_ALIAS_MAP, MINHANG_STREET_NAMES } from './generator/minhang.ts';

/** The generator's fixed "today" (truth.json referenceDate): no sample timestamp lies after it. */
export const SAMPLE_REFERENCE_DATE = '2026-11-01';

/** Reference table the engine loads from samples/data/credit-code-pilots.txt (one code a line). */
export const CREDIT_CODE_PILOTS_TABLE = 'credit_code_pilots';

const street: ColumnRules = {
  normalise: ['null_tokens', 'trim', { rule: 'value_map', params: { map: MINHANG_STREET_ALIAS_MAP } }],
  // A missing street is kept and reported (completeness); a street outside Minhang is wrong.
  validate: [
    { rule: 'value.required', severity: 'flag' },
    { rule: 'value.code_table', params: { values: MINHANG_STREET_NAMES } },
  ],
};

const positiveId: ColumnRules = { validate: ['value.required', { rule: 'value.range', params: { min: 1, integer: true } }] };

export const RESIDENTS_PLAN: TableRuleSpec = {
  columns: {
    resident_id: positiveId,
    name: { normalise: ['remove_spaces'], validate: ['value.required', { rule: 'value.length', params: { min: 2, max: 20 } }] },
    citizen_id: { normalise: ['citizen_id'], validate: ['value.required', { rule: 'citizen_id.valid', params: { today: SAMPLE_REFERENCE_DATE } }] },
    gender: { normalise: ['trim'], validate: ['value.required', { rule: 'value.enum', params: { values: ['男', '女'] } }] },
    birth_date: { normalise: ['trim', 'date'], validate: ['value.required', { rule: 'date.valid', params: { min: '1900-01-01' } }] },
    mobile: { normalise: ['null_tokens', 'mobile'], validate: [{ rule: 'value.required', severity: 'flag' }, 'mobile.valid'] },
    street,
    address: { normalise: ['remove_spaces'], validate: ['value.required'] },
    registered_at: { validate: ['value.required', 'timestamp.valid'] },
    updated_at: { validate: ['value.required', 'timestamp.valid'] },
  },
  deep: [
    { rule: 'deep.id_birth_consistency', params: { citizenId: 'citizen_id', birthDate: 'birth_date' } },
    { rule: 'deep.id_gender_consistency', params: { citizenId: 'citizen_id', gender: 'gender' } },
    { rule: 'deep.temporal_order', params: { start: 'registered_at', end: 'updated_at' } },
    { rule: 'deep.not_future', params: { column: 'updated_at', today: SAMPLE_REFERENCE_DATE } },
  ],
  dedup: { key: ['citizen_id'], survivorship: 'latest', orderBy: 'updated_at' },
};

const pilots = { table: CREDIT_CODE_PILOTS_TABLE };

export const ENTERPRISES_PLAN: TableRuleSpec = {
  columns: {
    enterprise_id: positiveId,
    // Listed pilot codes pass credit_code.valid and are flagged by credit_code.pilot instead.
    credit_code: {
      normalise: ['credit_code'],
      validate: ['value.required', { rule: 'credit_code.valid', params: { pilots } }, { rule: 'credit_code.pilot', params: { pilots } }],
    },
    name: { normalise: ['trim'], validate: ['value.required'] },
    legal_rep: { normalise: ['remove_spaces'], validate: ['value.required'] },
    registered_capital: { normalise: ['trim'], validate: ['value.required', { rule: 'value.range', params: { min: 0 } }] },
    established_on: { normalise: ['trim', 'date'], validate: ['value.required', { rule: 'date.valid', params: { min: '1949-10-01' } }] },
    street,
    industry: { normalise: ['trim'], validate: ['value.required'] },
    // A mobile or a landline; the mobile normaliser leaves landlines as written.
    contact_phone: { normalise: ['null_tokens', 'mobile'], validate: [{ rule: 'value.required', severity: 'flag' }, 'phone.valid'] },
    updated_at: { validate: ['value.required', 'timestamp.valid'] },
  },
  deep: [
    { rule: 'deep.not_future', params: { column: 'established_on', today: SAMPLE_REFERENCE_DATE } },
    { rule: 'deep.not_future', params: { column: 'updated_at', today: SAMPLE_REFERENCE_DATE } },
  ],
  dedup: { key: ['credit_code'], survivorship: 'latest', orderBy: 'updated_at' },
};
