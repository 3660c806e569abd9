import { describe, expect, it } from 'vitest';
import { expiryProblem, shareExpiresAt } from '../../../governance/share-expiry.ts';
import { canonicalJson, specHash } from '../../../governance/spec-hash.ts';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';

describe('share expiry', () => {
  it('a date holds through that day in Shanghai; an instant is exact', () => {
    expect(shareExpiresAt('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    const share = { consumer: 'civil-affairs', expires: '2026-12-31' };
    expect(expiryProblem(share, new Date('2026-12-31T15:59:59.999Z'))).toBeUndefined();
    expect(expiryProblem(share, new Date('2026-12-31T16:00:00.000Z'))).toMatch(/this share with civil-affairs expired on 2026-12-31/);
    expect(expiryProblem({ consumer: 'x', expires: '2026-12-01T10:00:00+08:00' }, new Date('2026-12-01T01:59:59Z'))).toBeUndefined();
    expect(expiryProblem({ consumer: 'x', expires: '2026-12-01T10:00:00+08:00' }, new Date('2026-12-01T02:00:00Z'))).toBeDefined();
  });
});

describe('spec hash', () => {
  it('does not depend on the order keys were written in', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(specHash({ b: 1, a: 2 })).toBe(specHash({ a: 2, b: 1 }));
    expect(specHash({ a: 1 })).not.toBe(specHash({ a: 2 }));
  });
});

describe('share spec', () => {
  const base = {
    kind: 'share',
    job: 'share-residents',
    dataset: 'residents',
    department: 'public-security',
    consumer: 'civil-affairs',
    purpose: '低保资格复核',
    expires: '2027-06-30',
    output: { files: { connection: 'outbox', format: 'parquet' } },
  };
  it('needs a purpose, an expiry and one output; files take a folder under a connection, never an absolute path', () => {
    expect(jobSpecSchema.safeParse(base).success).toBe(true);
    expect(jobSpecSchema.safeParse({ ...base, purpose: ' ' }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, expires: undefined }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, expires: 'next year' }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, output: { files: { connection: 'outbox', format: 'xlsx' } } }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, output: { files: { connection: 'outbox', format: 'csv', path: '/etc' } } }).success).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, output: { files: { connection: 'outbox', format: 'csv', path: '../up' } } }).success).toBe(false);
    expect(
      jobSpecSchema.safeParse({ ...base, output: { table: { connection: 'pg', table: 'a.b' }, files: { connection: 'outbox', format: 'csv' } } }).success,
    ).toBe(false);
    expect(jobSpecSchema.safeParse({ ...base, filter: "street = 'x'" }).success).toBe(false);
  });
});
