import { stat } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../../schemas/config.ts';
import { collectsNewFilesOnly, type CollectJobSpec } from '../../schemas/job-spec.ts';
import type { FileSource } from '../../schemas/sources.ts';
import { isGlob, parseGlob } from '../../schemas/file-glob.ts';
import { durationMs } from '../../schemas/duration.ts';
import { resolveFilePath } from '../../config/connections.ts';
import { hashFile, listMatchingFiles, type ListedFile } from '../../connectors/folder-listing.ts';
import type { FileInSequence } from '../../connectors/file-sequence-reader.ts';
import { collectedVersions, hasCollectedFiles } from '../../catalogue/collected-files.ts';
import { BadInputError } from '../../errors/bad-input.ts';

export interface PickedFile extends FileInSequence {
  mtimeMs: number;
  /** Content hash, for targets that take each file once; null when every run reads every file. */
  sha256: string | null;
}

export interface FilePick {
  files: PickedFile[];
  /** What the run should say about files it left (too new, empty, over the limit) or took again. */
  notes: string[];
}

/**
 * The files a run of a file source reads. A glob into a replace or version target: every matching
 * file. Into append or merge (and a single file into those): each file no earlier run of the dataset
 * took, judged by name, size and content hash (a file only touched, same bytes, is not new; one whose
 * bytes changed is). Files still being written (modified within `minAge`) and empty files wait.
 */
export async function pickFiles(config: Config, db: Knex, spec: CollectJobSpec, now: number): Promise<FilePick> {
  const source = spec.source as FileSource;
  const path = resolveFilePath(config, source.connection, source.path);
  const root = source.connection ? resolveFilePath(config, source.connection, '.') : undefined;
  const nameOf = (absolute: string) => (root ? relative(root, absolute).split(sep).join('/') : absolute);
  const notes: string[] = [];
  let listed: ListedFile[];
  if (isGlob(source.path)) {
    const glob = parseGlob(path);
    listed = (await listMatchingFiles(glob.base, glob, root)).map((f) => ({ ...f, name: nameOf(f.path) }));
    const minAge = durationMs(source.minAge)!;
    const fresh = listed.filter((f) => now - f.mtimeMs < minAge);
    if (fresh.length) notes.push(`${fresh.length} file(s) modified less than ${source.minAge} ago wait for the next run: ${names(fresh)}`);
    const empty = listed.filter((f) => f.size === 0 && now - f.mtimeMs >= minAge);
    if (empty.length) notes.push(`${empty.length} empty file(s) skipped: ${names(empty)}`);
    listed = listed.filter((f) => f.size > 0 && now - f.mtimeMs >= minAge);
  } else {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new BadInputError(`file not found: ${path}`);
      throw error;
    });
    listed = [{ path, name: nameOf(path), size: info.size, mtimeMs: Math.trunc(info.mtimeMs) }];
  }

  if (!collectsNewFilesOnly(spec)) {
    if (!listed.length) throw new BadInputError(`no file matches ${source.path}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    if (listed.length > source.maxFiles) {
      throw new BadInputError(`${listed.length} files match ${source.path}, more than maxFiles (${source.maxFiles}) that one run reads; raise source.maxFiles`);
    }
    return { files: listed.map((f) => picked(f, null)), notes };
  }

  const known = await collectedVersions(
    db,
    spec.dataset,
    listed.map((f) => f.name),
  );
  const files: PickedFile[] = [];
  let waiting = 0;
  for (const file of listed) {
    const versions = known.get(file.name) ?? [];
    if (versions.some((v) => v.size === file.size && v.mtimeMs === file.mtimeMs)) continue;
    if (files.length >= source.maxFiles) {
      waiting++;
      continue;
    }
    const sha256 = await hashFile(file.path);
    if (versions.some((v) => v.size === file.size && v.sha256 === sha256)) continue;
    const earlier = versions.at(-1);
    if (earlier) notes.push(`${file.name} changed since run ${earlier.runId} took it: this run takes its new content too`);
    files.push(picked(file, sha256));
  }
  if (waiting) notes.push(`${waiting} more new file(s) wait for the next run (maxFiles: ${source.maxFiles})`);
  if (!files.length && !(await hasCollectedFiles(db, spec.dataset))) {
    throw new BadInputError(`no file matches ${source.path}${notes.length ? ` (${notes.join('; ')})` : ''}`);
  }
  return { files, notes };
}

function picked(file: ListedFile, sha256: string | null): PickedFile {
  return { path: file.path, name: file.name, size: file.size, mtimeMs: file.mtimeMs, fingerprint: `${file.size}:${file.mtimeMs}`, sha256 };
}

function names(files: ListedFile[]): string {
  const shown = files.slice(0, 5).map((f) => f.name);
  return files.length > 5 ? `${shown.join(', ')} and ${files.length - 5} more` : shown.join(', ');
}
