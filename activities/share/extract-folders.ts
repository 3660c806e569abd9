import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** The run's extract folder name: its run id in file-name-safe characters. */
export function runFolderName(runId: string): string {
  return runId.replace(/[^A-Za-z0-9._-]/g, '_');
}

const PARTIAL_PREFIX = '.dataops-partial-';

/** Where one attempt writes its files: beside the final folder (one file system, so the move is one rename), hidden. */
export function partialFolder(finalPath: string, runId: string, attempt: number): string {
  const digest = createHash('sha256').update(runId).digest('hex').slice(0, 12);
  return join(dirname(finalPath), `${PARTIAL_PREFIX}${digest}-a${attempt}`);
}

/** Removes every attempt's partial folder of this run (what a failed or restarted run leaves). */
export async function removePartials(finalPath: string, runId: string): Promise<string[]> {
  const parent = dirname(finalPath);
  const prefix = partialFolder(finalPath, runId, 0)
    .slice(parent.length + 1)
    .replace(/0$/, '');
  const names = await readdir(parent).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    await rm(join(parent, name), { recursive: true, force: true });
    removed.push(join(parent, name));
  }
  return removed;
}
