import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSpec } from '../../../cli/load-spec.ts';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';

const jobs = fileURLToPath(new URL('../../../samples/jobs/', import.meta.url));

describe('the bundled sample jobs', () => {
  const files = readdirSync(jobs).filter((f) => f.endsWith('.yaml'));
  it.each(files)('%s is a valid spec', (file) => {
    const spec = loadSpec(`${jobs}${file}`);
    expect(spec.job).toMatch(/^[a-z0-9]/);
  });
});

describe('distribution specs', () => {
  const base = { kind: 'distribute', job: 'j', dataset: 'd', department: 'x', target: { connection: 'c', table: 't' } };
  const issues = (spec: object) => jobSpecSchema.safeParse(spec).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('refuse a target table name that is not a plain, safe identifier, naming the field', () => {
    for (const table of ['people; DROP TABLE residents', 'public.people"--', '../people', 'Residents']) {
      expect(issues({ ...base, target: { ...base.target, table } })).toEqual([expect.stringMatching(/^target\.table: must be a safe table name/)]);
    }
  });

  it('ask for a change cursor in incremental mode and for incremental mode when given one or deletes', () => {
    expect(issues({ ...base, target: { ...base.target, mode: 'incremental' } })).toEqual([
      expect.stringMatching(/^source\.incremental: an incremental distribution needs/),
    ]);
    expect(issues({ ...base, source: { incremental: { cursor: 'updated_at' } } })).toEqual([
      expect.stringMatching(/^source\.incremental: .*target\.mode: incremental/),
    ]);
    expect(issues({ ...base, target: { ...base.target, deletes: { column: 'removed' } } })).toEqual([
      expect.stringMatching(/^target\.deletes: a full distribution/),
    ]);
    expect(
      issues({ ...base, source: { incremental: { cursor: 'updated_at' } }, target: { ...base.target, mode: 'incremental', schemaChange: 'add_columns' } }),
    ).toEqual([]);
  });
});
