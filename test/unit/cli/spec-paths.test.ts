import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'dataops-paths-'));
mkdirSync(join(dir, 'data'));
writeFileSync(join(dir, 'data', 'ok.csv'), 'a\n1\n');
const HEAD = 'kind: collect\njob: a\ndataset: b\ndepartment: c\ntarget: { table: raw.x }\n';

function validate(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return { path, ...runCli(['validate', path]) };
}

describe('file paths without a connection stay in the spec folder', () => {
  it('a path below the spec is accepted', { timeout: 30_000 }, () => {
    expect(validate('ok.yaml', `${HEAD}source: { type: file, path: data/ok.csv }\n`).status).toBe(0);
  });

  it.each([
    ['climbing out', '../../../../../../etc/passwd'],
    ['absolute elsewhere', '/etc/passwd'],
  ])('a source path %s is refused without reading it', { timeout: 30_000 }, (_, target) => {
    const result = validate('escape.yaml', `${HEAD}source: { type: file, path: ${target} }\n`);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`source.path: "${target}" is outside the job spec's folder`);
    expect(result.stderr + result.stdout).not.toMatch(/root:/);
  });

  it('a reference file outside the folder is refused too', { timeout: 30_000 }, () => {
    const result = validate(
      'ref.yaml',
      'kind: cleanse\njob: a\ndataset: b\ndepartment: c\nsource: { type: file, path: data/ok.csv }\ntarget: { table: clean.x }\n' +
        'references: { codes: { type: file, path: ../../etc/passwd } }\nrules: { columns: { a: { validate: [{ rule: value.code_table, params: { table: codes } }] } } }\n',
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('references.codes.path: "../../etc/passwd" is outside the job spec\'s folder');
  });
});
