import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../../governance/rules/engine.ts';
import type { RuleId } from '../../../governance/rules/params.ts';
import { RULES, findRule, ruleById } from '../../../governance/rules/registry.ts';
import type { LooseTableRuleSpec } from '../../../governance/rules/spec.ts';
import type { Reason } from '../../../governance/rules/types.ts';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';
import { closeMatches } from '../../../governance/rules/suggest.ts';

// Listing every id against the parameter types: adding a rule to one and not the other fails to compile or here.
const ALL: Record<RuleId, true> = {
  'normalise.trim': true,
  'normalise.remove_spaces': true,
  'normalise.fullwidth_to_halfwidth': true,
  'normalise.upper': true,
  'normalise.lower': true,
  'normalise.date': true,
  'normalise.mobile': true,
  'normalise.citizen_id': true,
  'normalise.credit_code': true,
  'normalise.null_tokens': true,
  'normalise.value_map': true,
  'normalise.datum': true,
  'citizen_id.valid': true,
  'credit_code.valid': true,
  'credit_code.pilot': true,
  'organisation_code.valid': true,
  'mobile.valid': true,
  'landline.valid': true,
  'phone.valid': true,
  'email.valid': true,
  'date.valid': true,
  'timestamp.valid': true,
  'value.required': true,
  'value.enum': true,
  'value.regex': true,
  'value.length': true,
  'value.range': true,
  'value.code_table': true,
  'geo.range': true,
  'geo.inside': true,
  'geo.boundary': true,
  'geo.town': true,
  'deep.id_birth_consistency': true,
  'deep.id_gender_consistency': true,
  'deep.temporal_order': true,
  'deep.not_future': true,
  'deep.within_days': true,
  'deep.duplicate': true,
};

const DIMENSIONS = ['completeness', 'normativeness', 'accuracy', 'consistency', 'uniqueness', 'timeliness'];

describe('RULES', () => {
  it('holds exactly the ids the parameter types name, once each', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual(Object.keys(ALL).sort());
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s is fully described', (_id, rule) => {
    expect(rule.reason.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(rule.reason.en.length).toBeGreaterThan(5);
    expect(DIMENSIONS).toContain(rule.dimension);
    expect(rule.params.length).toBeGreaterThan(1);
    if (rule.kind === 'normaliser') {
      expect(rule.id.startsWith('normalise.')).toBe(true);
      expect(rule.severity).toBe('fix');
    } else {
      expect(['reject', 'flag']).toContain(rule.severity);
      expect(rule.reasons).toContain(rule.reason);
      for (const r of rule.reasons) {
        // Every reason speaks to centre staff in Chinese and to engineers in English.
        expect(r.zh).toMatch(/[\u4e00-\u9fff]/);
        expect(r.en).toMatch(/^[\x20-\x7e]+$/);
      }
    }
    if (rule.kind === 'deep') expect(rule.id.startsWith('deep.')).toBe(true);
  });

  it('has the documented default severities', () => {
    const bySeverity = (s: string) => RULES.filter((r) => r.severity === s).map((r) => r.id);
    expect(bySeverity('flag')).toEqual(['credit_code.pilot', 'geo.boundary', 'geo.town']);
    expect(bySeverity('fix').length).toBe(12);
    expect(bySeverity('reject').length).toBe(RULES.length - 15);
  });
});

// Failing values for each validator and deep check, one per failure mode (deep rows are [a, b]).
const MALE_ID = '310112195408172938';
const FAILURES: Partial<Record<RuleId, { params?: Record<string, unknown>; values: readonly (string | null | readonly [string, string])[] }[]>> = {
  'citizen_id.valid': [
    {
      params: { today: '2026-11-01' },
      values: [
        '11010519491231002',
        '11010519491231002x',
        '310112198807358004',
        '310112194809255648',
        `99010519491231002${citizenIdCheckChar('99010519491231002')}`,
      ],
    },
  ],
  'credit_code.valid': [{ values: ['91310112MA1C354W7B', '91310112MA1C354W7', '91310112ma1c354w7a'] }],
  'credit_code.pilot': [{ params: { pilots: { values: ['913101126017675060'] } }, values: ['913101126017675060'] }],
  'organisation_code.valid': [{ values: ['D2685898-1', 'd26858982', 'D2685898'] }, { params: { allowHyphen: false }, values: ['D2685898-2'] }],
  'mobile.valid': [{ values: ['138-0013-8000', '021-54881234', '1380013800a', '1380013800', '12804545819'] }],
  'landline.valid': [{ params: { allowExtension: false }, values: ['13800138000', '54881234', '021-54881234-123', '021-5488123'] }],
  'phone.valid': [{ values: ['12804545819', '138-0013-8000'] }],
  'email.valid': [
    { values: ['zhangsan@', 'a b@mh.gov.cn', '@mh.gov.cn', 'zhangsan', `a@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(63)}.cn`] },
  ],
  'date.valid': [{ params: { min: '1900-01-01', max: '2026-11-01' }, values: ['unknown', '2021/3/1', '2023-02-29', '1899-12-31', '2026-11-02'] }],
  'timestamp.valid': [
    { values: ['2023-02-30T10:00:00Z', '2023-09-17', '2023-09-17T15:34:19x'] },
    { params: { requireOffset: true }, values: ['2023-09-17 15:34:19'] },
  ],
  'value.required': [{ values: [null, ' '] }],
  'value.enum': [{ params: { values: ['Y', 'N'] }, values: ['x', ' Y', 'y'] }],
  'value.length': [{ params: { min: 2, max: 4 }, values: ['a', 'abcde'] }],
  'value.range': [{ params: { min: 0, max: 10, integer: true }, values: ['x', '1.5', '-1', '11'] }],
  'value.code_table': [{ params: { values: ['A'] }, values: ['B', ' A'] }],
  'deep.id_birth_consistency': [{ params: { citizenId: 'a', birthDate: 'b' }, values: [[MALE_ID, '1954-08-18']] }],
  'deep.id_gender_consistency': [{ params: { citizenId: 'a', gender: 'b' }, values: [[MALE_ID, '女']] }],
  'deep.temporal_order': [
    {
      params: { start: 'a', end: 'b', allowEqual: false },
      values: [
        ['2021-01-02', '2021-01-01'],
        ['2021-01-01', '2021-01-01'],
      ],
    },
  ],
  'deep.not_future': [{ params: { column: 'a', today: '2026-11-01' }, values: [['2030-01-01', '']] }],
  'geo.range': [{ values: ['121.4;31.1', '200,31.1', '2.35,48.85'] }],
  'deep.within_days': [{ params: { column: 'a', days: 30, today: '2026-11-01' }, values: [['2000-01-01', '']] }],
};

/** What the rule reports for each failing value, run through a compiled plan as a cleanse would. */
function reportedReasons(id: RuleId): Reason[] {
  const rule = ruleById(id);
  const reasons: Reason[] = [];
  for (const { params, values } of FAILURES[id] ?? []) {
    const step = { rule: id, ...(params ? { params } : {}) };
    const spec: LooseTableRuleSpec = rule.kind === 'deep' ? { deep: [step] } : { columns: { a: { validate: [step] } } };
    const plan = compilePlan(['a', 'b'], spec);
    for (const v of values) {
      const r = plan.evaluateRow(typeof v === 'string' || v === null ? [v, null] : [...v]);
      const findings = [...r.rejections, ...r.flags];
      expect(findings, `${id} on ${JSON.stringify(v)}`).toHaveLength(1);
      reasons.push(findings[0]!.reason);
    }
  }
  return reasons;
}

describe('rule reasons', () => {
  // value.regex names its pattern in a reason made at compile time; deep.duplicate is the dedup section's;
  // the geo rules that need a boundary are tested in geo-step.test.ts.
  const judged = RULES.filter(
    (r) => r.kind !== 'normaliser' && r.id !== 'value.regex' && r.id !== 'deep.duplicate' && !['geo.inside', 'geo.boundary', 'geo.town'].includes(r.id),
  );

  it.each(judged.map((r) => [r.id] as const))('%s reports only listed reasons, and each listed one for some failure', (id) => {
    const rule = ruleById(id);
    if (rule.kind === 'normaliser') throw new Error('not judged');
    const reported = reportedReasons(id);
    for (const r of reported) expect(rule.reasons, `${id}: ${r.en}`).toContain(r);
    // The general reason may be a fallback no failure reaches; every specific one is reached.
    for (const r of rule.reasons) if (r !== rule.reason) expect(reported, `${id}: ${r.en}`).toContain(r);
    // Distinct failure modes read differently in both languages.
    expect(new Set(rule.reasons.map((r) => r.en)).size).toBe(rule.reasons.length);
    expect(new Set(rule.reasons.map((r) => r.zh)).size).toBe(rule.reasons.length);
  });
});

describe('ruleById', () => {
  it('finds rules', () => {
    expect(ruleById('citizen_id.valid').kind).toBe('validator');
    expect(findRule('nope')).toBeUndefined();
  });

  it.each([
    ['mobile.vaild', ['mobile.valid']],
    ['citizen_id', ['citizen_id.valid', 'normalise.citizen_id']],
    ['value.requried', ['value.required']],
    ['deep.id_birth', ['deep.id_birth_consistency']],
    ['normalise.nulltokens', ['normalise.null_tokens']],
    ['required', ['value.required']],
  ])('names close matches for %s', (id, near) => {
    let message = '';
    try {
      ruleById(id);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp(`^unknown rule '${id}'; did you mean `));
    for (const n of near) expect(message).toContain(n);
  });

  it('says only that the id is unknown when nothing is close', () => {
    expect(() => ruleById('zzzzzzzz')).toThrow(/^unknown rule 'zzzzzzzz'$/);
  });

  it('ranks closest first', () => {
    expect(closeMatches('mobile.vald', ['email.valid', 'normalise.mobile', 'mobile.valid'])[0]).toBe('mobile.valid');
    expect(closeMatches('trim', ['value.required', 'tram', 'normalise.trim'])).toEqual(['normalise.trim', 'tram']);
  });
});
