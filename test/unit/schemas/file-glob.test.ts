import { describe, expect, it } from 'vitest';
import { globProblem, isGlob, parseGlob } from '../../../schemas/file-glob.ts';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';
import { widerType } from '../../../governance/type-widening.ts';

describe('file globs', () => {
  it('splits the folder from the pattern', () => {
    expect(parseGlob('incoming/*.csv')).toMatchObject({ base: 'incoming', pattern: '*.csv', recursive: false });
    expect(parseGlob('/data/户籍/*.csv')).toMatchObject({ base: '/data/户籍', pattern: '*.csv' });
    expect(parseGlob('*.csv')).toMatchObject({ base: '.', pattern: '*.csv' });
    expect(parseGlob('a/**/day-*.csv')).toMatchObject({ base: 'a', pattern: '**/day-*.csv', recursive: true });
    expect(isGlob('incoming/day1.csv')).toBe(false);
    expect(isGlob('incoming/day[12].csv')).toBe(true);
  });

  it('matches within one segment, any depth only with **, and never dot files', () => {
    const flat = parseGlob('in/*.csv');
    expect(flat.matches('day1.csv')).toBe(true);
    expect(flat.matches('居民_2026-12-01.csv')).toBe(true);
    expect(flat.matches('sub/day1.csv')).toBe(false);
    expect(flat.matches('.day1.csv.part')).toBe(false);
    expect(flat.matches('.hidden.csv')).toBe(false);
    expect(flat.matches('day1.csv.gz')).toBe(false);
    const deep = parseGlob('in/**/*.csv');
    expect(deep.matches('day1.csv')).toBe(true);
    expect(deep.matches('2026/12/day1.csv')).toBe(true);
    expect(deep.matches('.tmp/day1.csv')).toBe(false);
  });

  it('reads ? and character classes, and takes regex characters literally', () => {
    const g = parseGlob('in/day?.[ct]sv');
    expect(g.matches('day1.csv')).toBe(true);
    expect(g.matches('day1.tsv')).toBe(true);
    expect(g.matches('day12.csv')).toBe(false);
    expect(parseGlob('in/day[!0-4].csv').matches('day5.csv')).toBe(true);
    expect(parseGlob('in/day[!0-4].csv').matches('day3.csv')).toBe(false);
    expect(parseGlob('in/a+b (1)*.csv').matches('a+b (1) copy.csv')).toBe(true);
    expect(parseGlob('in/a+b (1)*.csv').matches('aab (1).csv')).toBe(false);
  });

  it('names what is wrong with a broken glob', () => {
    expect(globProblem('in/day[1.csv')).toMatch(/unclosed "\["/);
    expect(globProblem('in/a**.csv')).toMatch(/whole path segment/);
    expect(globProblem('in/**')).toMatch(/must end with a file name pattern/);
    expect(globProblem('in/*.csv')).toBeUndefined();
  });
});

describe('folder sources in job specs', () => {
  const collect = (source: object, target: object) => jobSpecSchema.safeParse({ kind: 'collect', job: 'j', dataset: 'd', department: 'x', source, target });

  it('accepts a glob into append, merge, replace and version targets', () => {
    for (const mode of ['append', 'replace', 'version'])
      expect(collect({ type: 'file', connection: 'drop', path: 'in/*.csv' }, { table: 'raw.t', mode }).success).toBe(true);
    expect(collect({ type: 'file', connection: 'drop', path: 'in/*.csv' }, { table: 'raw.t', mode: 'merge', key: ['id'] }).success).toBe(true);
  });

  it('refuses a broken glob, a glob in a cleanse source and an append that would repeat a whole table', () => {
    const broken = collect({ type: 'file', connection: 'drop', path: 'in/[x.csv' }, { table: 'raw.t', mode: 'append' });
    expect(broken.success).toBe(false);
    expect(JSON.stringify(broken.error?.issues)).toMatch(/not a usable glob/);
    const cleanse = jobSpecSchema.safeParse({
      kind: 'cleanse',
      job: 'j',
      dataset: 'd',
      department: 'x',
      source: { type: 'file', connection: 'drop', path: 'in/*.csv' },
      target: { table: 'clean.t' },
      rules: { columns: {} },
    });
    expect(cleanse.success).toBe(false);
    expect(cleanse.error?.issues.map((i) => i.message).join()).toMatch(/collect the folder into a table first/);
    const table = collect({ type: 'table', connection: 'c', table: 'public.t' }, { table: 'raw.t', mode: 'append' });
    expect(table.error?.issues.map((i) => i.message).join()).toMatch(/without source.incremental every run would add the whole source again/);
    const incremental = collect(
      { type: 'table', connection: 'c', table: 'public.t', incremental: { cursor: 'at', key: 'id' } },
      { table: 'raw.t', mode: 'append' },
    );
    expect(incremental.success).toBe(true);
  });
});

describe('type widening', () => {
  it('widens within a family and falls back to text across families', () => {
    expect(widerType('integer', 'numeric')).toBe('numeric');
    expect(widerType('bigint', 'smallint')).toBe('bigint');
    expect(widerType('date', 'timestamp with time zone')).toBe('timestamp with time zone');
    expect(widerType('integer', 'date')).toBe('text');
    expect(widerType('boolean', 'integer')).toBe('text');
    expect(widerType('text', 'text')).toBe('text');
  });
});
