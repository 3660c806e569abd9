import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'dataops-validate-'));
const HEAD = 'kind: collect\njob: a\ndataset: b\ndepartment: c\n';

function spec(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('validate explains what is wrong with a spec, in one place per problem', () => {
  it('suggests the key meant for a misspelt one, at every level', { timeout: 30_000 }, () => {
    const path = spec(
      'typos.yaml',
      `${HEAD}updateFrequncy: daily\nzzqqxx: 1\nsource: { type: file, path: x.csv, delimter: ";" }\ntarget: { table: raw.x, mdoe: version }\n`,
    );
    const result = runCli(['validate', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${path} is not a valid job spec`);
    expect(result.stderr).toContain('"updateFrequncy" (did you mean updateFrequency?)');
    // Nothing close: the key is named without a guess.
    expect(result.stderr).toMatch(/"zzqqxx"(?! \(did you mean)/);
    expect(result.stderr).toContain('source: Unrecognized key: "delimter" (did you mean delimiter?)');
    expect(result.stderr).toContain('target: Unrecognized key: "mdoe" (did you mean mode?)');
  });

  it('run loads specs the same way: the suggestion, exit 2, nothing started', { timeout: 30_000 }, () => {
    const path = spec('run-typo.yaml', `${HEAD}updateFrequncy: daily\nsource: { type: file, path: x.csv }\ntarget: { table: raw.x }\n`);
    const result = runCli(['run', path], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('"updateFrequncy" (did you mean updateFrequency?)');
    expect(result.stdout).not.toContain('started');
  });

  it('a missing spec file is one line naming it', { timeout: 30_000 }, () => {
    const missing = join(dir, 'no-such.yaml');
    const result = runCli(['validate', missing]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`no such job spec: ${missing}\n`);
    const run = runCli(['run', missing], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`no such job spec: ${missing}\n`);
  });

  it('a directory given as a spec says so', { timeout: 30_000 }, () => {
    const result = runCli(['validate', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`${dir} is a directory, not a job spec\n`);
  });

  it('an alias bomb ("billion laughs") is an invalid spec that names the file', { timeout: 30_000 }, () => {
    const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    const names = 'bcdefghi';
    for (let i = 0; i < names.length; i++)
      lines.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${i ? names[i - 1] : 'a'}`)
          .join(', ')}]`,
      );
    const bomb = spec('bomb.yaml', `${lines.join('\n')}\n`);
    for (const command of ['validate', 'run']) {
      const result = runCli([command, bomb], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(
        `${bomb} is not a valid job spec: the document uses too many YAML aliases (refused as a possible "billion laughs" document; a spec needs few if any)\n`,
      );
    }
  });

  it('an alias without its anchor is invalid YAML, naming the file', { timeout: 30_000 }, () => {
    const path = spec('unresolved.yaml', `${HEAD}description: *nowhere\n`);
    const result = runCli(['validate', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${path} is not valid YAML:\n  Unresolved alias (the anchor must be set before the alias): nowhere`);
  });
});
