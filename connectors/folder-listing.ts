import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { BadInputError } from '../errors/bad-input.ts';
import type { FileGlob } from '../schemas/file-glob.ts';

export interface ListedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the glob's folder, with `/` separators: how runs and the catalogue name it. */
  name: string;
  size: number;
  mtimeMs: number;
}

/**
 * The regular files under `folder` that the glob matches, in name order (numeric-aware, so `day9`
 * comes before `day10`). Symbolic links are followed only when they stay inside `confineTo`.
 */
export async function listMatchingFiles(folder: string, glob: FileGlob, confineTo: string | undefined): Promise<ListedFile[]> {
  const top = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BadInputError(`folder not found: ${folder}`);
    throw error;
  });
  if (!top.isDirectory()) throw new BadInputError(`${folder} is not a folder`);
  const root = confineTo ? await realpath(confineTo) : undefined;
  const found: ListedFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(folder, path).split(sep).join('/');
      if (entry.isDirectory()) {
        if (glob.recursive && !entry.name.startsWith('.')) await walk(path);
        continue;
      }
      if (!glob.matches(name)) continue;
      if (entry.isSymbolicLink() && root) {
        const target = await realpath(path).catch(() => undefined);
        if (!target || relative(root, target).startsWith('..')) continue;
      }
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      found.push({ path, name, size: info.size, mtimeMs: Math.trunc(info.mtimeMs) });
    }
  };
  await walk(folder);
  const collator = new Intl.Collator('en', { numeric: true });
  return found.sort((a, b) => collator.compare(a.name, b.name));
}

/** SHA-256 of a file's bytes, hex. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(piece as Buffer);
  return hash.digest('hex');
}
