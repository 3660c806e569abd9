import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../temporal/cli-locator.ts';

/** Local state of `dataops dev` (SQLite history, logs, pid file); ignored by git. */
export function stateDir(): string {
  const dir = resolve(process.env.DATAOPS_STATE_DIR ?? join(PROJECT_ROOT, '.state'));
  mkdirSync(dir, { recursive: true });
  return dir;
}
