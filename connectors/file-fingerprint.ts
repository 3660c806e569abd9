import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BadInputError } from '../errors/bad-input.ts';
import type { SourcePosition } from './source-chunk.ts';

/** Size and modification time: enough to notice a file replaced or appended to between attempts. */
export async function fileFingerprint(path: string): Promise<{ size: number; fingerprint: string }> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BadInputError(`file not found: ${path}`);
    throw error;
  });
  return { size: info.size, fingerprint: `${info.size}:${Math.trunc(info.mtimeMs)}` };
}

/** Resuming at a byte offset is only exact in the same file: refuse when it changed since the checkpoint. */
export function assertSameFile(path: string, start: SourcePosition | undefined, fingerprint: string): void {
  if (start?.fingerprint && start.fingerprint !== fingerprint) {
    throw new BadInputError(`${basename(path)} changed since this run started (size:mtime ${start.fingerprint} -> ${fingerprint}); start a new run`);
  }
}
