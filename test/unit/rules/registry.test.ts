import { describe, expect, it } from 'vitest';
import type { RuleId } from '../../../governance/rules/params.ts';
import { RULES, findRule, ruleById } from '../../../governance/rules/registry.ts';
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
    expect(bySeverity('flag')).toEqual(['credit_code.pilot']);
    expect(bySeverity('fix').length).toBe(11);
    expect(bySeverity('reject').length).toBe(RULES.length - 12);
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
