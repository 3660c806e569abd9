import { describe, expect, it } from 'vitest';
import { collectJobSpecSchema } from '../../../schemas/job-spec.ts';

const base = { kind: 'collect', job: 'sync-people', dataset: 'people', department: 'hr' };
const incremental = { type: 'table', connection: 'hr_system', table: 'public.people', incremental: { cursor: 'updated_at', key: 'id' } };

function parse(source: unknown, target: unknown) {
  return collectJobSpecSchema.safeParse({ ...base, source, target });
}

function issues(source: unknown, target: unknown) {
  const result = parse(source, target);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('target.deletes of a merge target', () => {
  it('takes compareKeys with its defaults: every run, refusing to delete more than half the table', () => {
    const result = parse(incremental, { table: 'raw.people', mode: 'merge', deletes: { compareKeys: {} } });
    expect(result.success).toBe(true);
    expect(result.data!.target.deletes).toEqual({ compareKeys: { every: '0s', maxDeleteFraction: 0.5 } });
  });

  it('takes a soft-delete column and a key comparison together', () => {
    const result = parse(incremental, {
      table: 'raw.people',
      mode: 'merge',
      deletes: { column: 'deleted', compareKeys: { every: '1d', maxDeleteFraction: 1 } },
    });
    expect(result.data!.target.deletes).toEqual({ column: 'deleted', compareKeys: { every: '1d', maxDeleteFraction: 1 } });
  });

  it('takes a query source with a two-column key', () => {
    const query = { type: 'query', connection: 'hr_system', sql: 'SELECT * FROM posts', incremental: { cursor: 'updated_at', key: 'post_id' } };
    expect(parse(query, { table: 'raw.posts', mode: 'merge', key: ['person_id', 'post_id'], deletes: { compareKeys: { every: '12h' } } }).success).toBe(true);
  });

  it('refuses deletes that say neither how', () => {
    expect(issues(incremental, { table: 'raw.people', mode: 'merge', deletes: {} })).toEqual([
      { path: 'target.deletes', message: expect.stringMatching(/deletes needs column .* or compareKeys/) },
    ]);
  });

  it('refuses a key comparison of a file source, which has no keys to read again', () => {
    expect(issues({ type: 'file', path: 'people.csv' }, { table: 'raw.people', mode: 'merge', key: ['id'], deletes: { compareKeys: {} } })).toEqual([
      { path: 'target.deletes.compareKeys', message: expect.stringMatching(/needs a table or query source, not a file/) },
    ]);
  });

  it('refuses a key comparison of a source read whole every run, and says to replace instead', () => {
    const whole = { type: 'table', connection: 'hr_system', table: 'public.people', key: 'id' };
    expect(issues(whole, { table: 'raw.people', mode: 'merge', deletes: { compareKeys: {} } })).toEqual([
      { path: 'target.deletes.compareKeys', message: expect.stringMatching(/needs source\.incremental .* mode: replace/) },
    ]);
  });

  it('refuses deletes on a target that does not merge', () => {
    expect(issues({ type: 'table', connection: 'hr_system', table: 'public.people' }, { table: 'raw.people', deletes: { compareKeys: {} } })).toEqual([
      { path: 'target.deletes', message: 'only a merge target takes key and deletes' },
    ]);
  });

  it('refuses a period that is not a duration, a share outside 0..1 and unknown settings', () => {
    const target = (compareKeys: unknown) => ({ table: 'raw.people', mode: 'merge', deletes: { compareKeys } });
    expect(issues(incremental, target({ every: 'daily' }))).toEqual([
      { path: 'target.deletes.compareKeys.every', message: 'must be a duration like 30s, 5m, 2h or 7d' },
    ]);
    expect(issues(incremental, target({ maxDeleteFraction: 1.5 }))[0]!.path).toBe('target.deletes.compareKeys.maxDeleteFraction');
    expect(issues(incremental, target({ evry: '1d' }))[0]!.message).toMatch(/evry/);
  });
});
