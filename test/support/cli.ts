import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real CLI (bin/dataops.mjs) in a scratch directory, so no dataops.config.yaml or .state of
 * the checkout is picked up; `env` is added to this process's environment.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string; timeoutMs?: number } = {}): CliResult {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'dataops-cli-'));
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'dataops.mjs'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DATAOPS_STATE_DIR: join(cwd, '.state'), ...env },
    timeout: options.timeoutMs ?? 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** runCli without blocking this process (whose in-process worker must keep answering queries meanwhile). */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}, options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'dataops-cli-'));
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'dataops.mjs'), ...args], {
    cwd,
    env: { ...process.env, DATAOPS_STATE_DIR: join(cwd, '.state'), ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}
