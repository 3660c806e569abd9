import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';
import { loadSpec } from '../../../cli/load-spec.ts';

describe('a stream-publish spec', () => {
  it('refuses wildcards, reserved subjects, white space, empty levels and braces other than one whole {key}', () => {
    const base = { kind: 'stream-publish', job: 'j', dataset: 'd', department: 'x', source: { table: 'clean.t', incremental: { cursor: 'updated_at' } } };
    const problem = (target: object) => {
      const parsed = jobSpecSchema.safeParse({ ...base, target });
      return parsed.success ? undefined : parsed.error.issues.map((i) => i.message).join('; ');
    };
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a.*' })).toMatch(/has a wildcard/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a.>' })).toMatch(/has a wildcard/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: '$JS.API.x' })).toMatch(/starts with \$/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a..b' })).toMatch(/empty level/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a.b c' })).toMatch(/white space/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a.x{key}' })).toMatch(/only as a whole level/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a.{key}.{key}' })).toMatch(/once/);
    expect(problem({ type: 'mqtt', connection: 'n', topic: 'a/+/b' })).toMatch(/has a wildcard/);
    expect(problem({ type: 'jetstream', connection: 'n', subject: 'a.{key}' })).toBeUndefined();
    expect(problem({ type: 'mqtt', connection: 'n', topic: 'a/{key}/b' })).toBeUndefined();
  });

  it('needs the change cursor, and one name for the message key', () => {
    const base = { kind: 'stream-publish', job: 'j', dataset: 'd', department: 'x', target: { type: 'jetstream', connection: 'n', subject: 'a.b' } };
    expect(jobSpecSchema.safeParse({ ...base, source: { table: 'clean.t' } }).success).toBe(false);
    const keys = jobSpecSchema.safeParse({ ...base, source: { table: 'clean.t', key: 'id', incremental: { cursor: 'updated_at', key: 'code' } } });
    expect(keys.success ? '' : keys.error.issues[0]!.message).toMatch(/source.key and source.incremental.key name the message key/);
    const both = jobSpecSchema.safeParse({ ...base, source: { dataset: 'd', table: 'clean.t', incremental: { cursor: 'updated_at' } } });
    expect(both.success).toBe(false);
    const follow = jobSpecSchema.safeParse({ ...base, source: { table: 'clean.t', incremental: { cursor: 'updated_at' } }, follow: { every: '100ms' } });
    expect(follow.success ? '' : follow.error.issues[0]!.message).toMatch(/follow.every must be at least 1s/);
    const ok = jobSpecSchema.parse({ ...base, source: { table: 'clean.t', incremental: { cursor: 'updated_at' } } });
    expect(ok).toMatchObject({ options: { batchRows: 10_000, heartbeatSeconds: 30 }, masks: {}, source: { incremental: { lag: '5m' } } });
  });

  it('may be a pipeline step only as one pass: a following one would never let the pipeline end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dataops-publish-step-'));
    const step = (follow: string) => `
kind: pipeline
job: p
dataset: d
department: x
steps:
  publish:
    spec:
      kind: stream-publish
      job: j
      dataset: d
      department: x
      source: { table: clean.t, incremental: { cursor: updated_at } }
      target: { type: jetstream, connection: n, subject: a.b }
${follow}`;
    writeFileSync(join(dir, 'following.yaml'), step('      follow: { every: 10s }'));
    expect(() => loadSpec(join(dir, 'following.yaml'))).toThrow(/step publish follows its table \(follow: every 10s\) and never ends/);
    writeFileSync(join(dir, 'once.yaml'), step(''));
    expect(loadSpec(join(dir, 'once.yaml')).kind).toBe('pipeline');
  });
});
