import { describe, expect, it } from 'vitest';
import { canonicalJson, specHash } from '../../../governance/spec-hash.ts';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';

const spec = {
  kind: 'distribute',
  job: 'distribute-residents',
  dataset: 'minhang-residents',
  department: 'civil-affairs',
  target: { connection: 'civil_affairs_db', table: 'residents' },
  masks: { citizen_id: { mask: 'citizen_id', keepFirst: 1, keepLast: 2 }, mobile: { mask: 'pseudonym' } },
};

/** The same object with every object's keys in reverse order, at every depth. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversed(v)]),
  );
}

describe('specHash', () => {
  it('does not depend on the order keys were written in, at any depth', () => {
    expect(JSON.stringify(reversed(spec))).not.toBe(JSON.stringify(spec));
    expect(specHash(reversed(spec))).toBe(specHash(spec));
    expect(specHash(spec)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with any value, and keeps array order significant', () => {
    expect(specHash({ ...spec, department: 'public-security' })).not.toBe(specHash(spec));
    expect(specHash({ a: [1, 2] })).not.toBe(specHash({ a: [2, 1] }));
    expect(specHash({ masks: { mobile: { mask: 'mobile' } } })).not.toBe(specHash({ masks: { mobile: { mask: 'name' } } }));
  });

  it('is the hash of the validated spec, the same before and after a trip through JSON (a workflow input)', () => {
    const validated = jobSpecSchema.parse(spec);
    const tripped = JSON.parse(JSON.stringify(validated));
    expect(specHash(tripped)).toBe(specHash(validated));
    expect(specHash(jobSpecSchema.parse(reversed(spec)))).toBe(specHash(validated));
  });

  it('leaves undefined members out, as JSON does, and writes no white space', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: { y: [true, null], x: 'é"' } })).toBe('{"b":1,"c":{"x":"é\\"","y":[true,null]}}');
    expect(specHash({ a: 1, b: undefined })).toBe(specHash({ a: 1 }));
  });
});
