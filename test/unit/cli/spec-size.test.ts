import { describe, expect, it } from 'vitest';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'dataops-spec-size-'));
const HEAD = 'kind: collect\njob: a\ndataset: b\ndepartment: c\nsource: { type: file, path: x.csv }\ntarget: { table: raw.x }\n';

function spec(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('spec files and workflow inputs have a size limit', () => {
  it('a spec over 1 MiB is refused by name, before it is read', { timeout: 30_000 }, () => {
    // A valid spec: without the limit, validate says ok.
    const over = spec('over.yaml', `${HEAD}description: "${'x'.repeat(1100 * 1024)}"\n`);
    const result = runCli(['validate', over]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`${over} is 1.1 MiB, over the 1 MiB limit for job specs (long value lists belong in reference files)\n`);
    // 50 MB of nothing: refused from its size alone.
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, '');
    truncateSync(huge, 50 * 1024 * 1024);
    const refused = runCli(['validate', huge]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${huge} is 50.0 MiB, over the 1 MiB limit`);
  });

  it('a spec under the limit is fine', { timeout: 30_000 }, () => {
    const under = spec('under.yaml', `${HEAD}description: "${'x'.repeat(900 * 1024)}"\n`);
    const result = runCli(['validate', under]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('a small spec whose workflow input would be over 1 MiB of JSON is refused by validate and run (exit 2)', { timeout: 30_000 }, () => {
    // 600 KiB of YAML, twice that once the alias is expanded.
    const expands = spec('expands.yaml', `${HEAD}description: &d "${'x'.repeat(600 * 1024)}"\nsourceSystem: *d\n`);
    const validate = runCli(['validate', expands]);
    expect(validate.status).toBe(2);
    expect(validate.stderr).toMatch(
      new RegExp(`^${expands}: the workflow input would be 1\\.2 MiB of JSON, over the 1 MiB dataops allows \\(Temporal refuses payloads over 2 MB\\)`),
    );
    // Refused before any server is asked (none listens here): not "Temporal is not reachable".
    const run = runCli(['run', expands], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('the workflow input would be 1.2 MiB of JSON');
    expect(run.stdout).not.toContain('started');
  });
});
