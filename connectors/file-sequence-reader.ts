import { basename } from 'node:path';
import { BadInputError } from '../errors/bad-input.ts';
import { fileFingerprint } from './file-fingerprint.ts';
import type { RecordReader, SourceChunk, SourcePosition } from './source-chunk.ts';

export interface FileInSequence {
  path: string;
  /** How runs name the file (relative to the folder listed). */
  name: string;
  /** Size and mtime when the file was picked: a file changed since then is refused, not half read. */
  fingerprint: string;
  size: number;
}

export interface FileSequenceOptions {
  /** Opens one file, at a checkpoint position or (undefined) at its first record. */
  open(path: string, start: SourcePosition | undefined): Promise<RecordReader>;
  /** A file whose columns differ from the first file's: `stop` leaves it and the files after it for the next run. */
  onColumnChange: 'stop' | 'fail';
}

export interface FileSequenceReader extends RecordReader {
  /** Why the sequence ended before its last file (a column change under `stop`), once it has. */
  stopReason(): string | undefined;
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Reads several files as one source, one after the other. Positions carry the file's index; after
 * each file an empty chunk ends at the next file's index, so a checkpoint can say "files before N are
 * done" even for a file without records. All files must have the first file's columns in its order.
 */
export async function openFileSequence(files: FileInSequence[], start: SourcePosition | undefined, options: FileSequenceOptions): Promise<FileSequenceReader> {
  const first = Math.min(start?.file ?? 0, files.length - 1);
  if (first < 0) return emptySequence();
  const resumed = start && (start.file ?? 0) === first ? start : undefined;
  let current = await openChecked(files[first]!, resumed, options);
  const columns = current.columns;
  const names = columns.map((c) => c.name).join('\u0000');
  let stopped: string | undefined;

  async function* chunks(): AsyncGenerator<SourceChunk> {
    if ((start?.file ?? 0) >= files.length) return;
    for (let index = first; ; ) {
      for await (const chunk of current.chunks()) yield { ...chunk, end: { ...chunk.end, file: index } };
      await current.close();
      yield { rows: [], payload: NO_BYTES, bytes: 0, end: { file: index + 1 }, endOfStream: true };
      if (++index >= files.length) return;
      const next = await openChecked(files[index]!, undefined, options);
      const nextNames = next.columns.map((c) => c.name);
      if (nextNames.join('\u0000') !== names) {
        await next.close();
        const change = `${files[index]!.name} has the columns (${nextNames.join(', ')}), not (${columns.map((c) => c.name).join(', ')}) like ${files[first]!.name}`;
        if (options.onColumnChange === 'fail') throw new BadInputError(`${change}: files read as one table need the same header`);
        stopped = `${change}: it and the ${files.length - index - 1} files after it are left for the next run`;
        return;
      }
      current = next;
    }
  }

  return {
    columns,
    copyOptions: current.copyOptions,
    totalBytes: files.reduce((sum, f) => sum + f.size, 0),
    chunks,
    stopReason: () => stopped,
    close: () => current.close(),
  };
}

async function openChecked(file: FileInSequence, start: SourcePosition | undefined, options: FileSequenceOptions): Promise<RecordReader> {
  const { fingerprint } = await fileFingerprint(file.path);
  if (fingerprint !== file.fingerprint) {
    throw new BadInputError(
      `${basename(file.path)} changed after this run picked it (size:mtime ${file.fingerprint} -> ${fingerprint}); the next run picks it again`,
    );
  }
  return options.open(file.path, start);
}

function emptySequence(): FileSequenceReader {
  return {
    columns: [],
    copyOptions: 'FORMAT csv',
    totalBytes: 0,
    async *chunks() {},
    stopReason: () => undefined,
    close: async () => undefined,
  };
}
