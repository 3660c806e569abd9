import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import { BadInputError } from '../errors/bad-input.ts';

/** How a file source's bytes are stored: `auto` recognises gzip by its magic bytes. */
export type Compression = 'auto' | 'gzip' | 'none';

/** Containers a department might send that are not text at all, by their first bytes. */
const NOT_TEXT: readonly [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a zip archive (or an .xlsx workbook, which is one): unpack it, or save the sheet as CSV'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel or Word file (.xls/.doc): save the sheet as CSV'],
  [[0x42, 0x5a, 0x68], 'bzip2-compressed: decompress it first, or recompress it with gzip'],
  [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz-compressed: decompress it first, or recompress it with gzip'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd-compressed: decompress it first, or recompress it with gzip'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive: unpack it first'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document, not a data file'],
];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

export interface FileBytes {
  /** The first bytes of the (decompressed) content. */
  head: Buffer;
  /** Size of the file on disk. */
  size: number;
  gzip: boolean;
  /** Size of the content when known up front (the file's size, or gzip's recorded length). */
  contentBytes?: number;
  /** Streams the content from a byte offset into it (offsets count decompressed bytes). */
  stream(offset: number, chunkBytes: number): AsyncIterable<Buffer> & { destroy(): void };
}

async function readPrefix(path: string, bytes: number): Promise<{ prefix: Buffer; size: number; tail: Buffer }> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BadInputError(`file not found: ${path}`);
    if (error.code === 'EACCES') throw new BadInputError(`file not readable: ${path}`);
    if (error.code === 'EISDIR') throw new BadInputError(`expected a file, found a directory: ${path}`);
    throw error;
  });
  try {
    const { size } = await handle.stat();
    const prefix = Buffer.alloc(Math.min(bytes, size));
    await handle.read(prefix, 0, prefix.length, 0);
    const tail = Buffer.alloc(Math.min(4, size));
    await handle.read(tail, 0, tail.length, Math.max(0, size - 4));
    return { prefix, size, tail };
  } finally {
    await handle.close();
  }
}

/** A decompressing stream that skips `offset` content bytes: how a gzip source resumes. */
function gunzipFrom(path: string, offset: number, chunkBytes: number): AsyncIterable<Buffer> & { destroy(): void } {
  const file = createReadStream(path, { highWaterMark: chunkBytes });
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  file.on('error', (error) => gunzip.destroy(error));
  file.pipe(gunzip);
  async function* skipped(): AsyncGenerator<Buffer> {
    let toSkip = offset;
    try {
      for await (const piece of gunzip as AsyncIterable<Buffer>) {
        if (toSkip >= piece.length) {
          toSkip -= piece.length;
          continue;
        }
        yield toSkip ? piece.subarray(toSkip) : piece;
        toSkip = 0;
      }
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('Z_'))
        throw new BadInputError(`${basename(path)}: the gzip data is damaged (${(error as Error).message})`);
      throw error;
    }
  }
  const iterable = skipped();
  return Object.assign(iterable, {
    destroy() {
      file.destroy();
      gunzip.destroy();
    },
  });
}

async function gunzipHead(path: string, bytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  const stream = gunzipFrom(path, 0, 64 * 1024);
  try {
    for await (const piece of stream) {
      parts.push(piece);
      length += piece.length;
      if (length >= bytes) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

/**
 * Opens a file source's bytes: plain, or gzip (common for department extracts) decompressed on the
 * fly. Files that are archives, spreadsheets or other compressions are refused saying what they are,
 * instead of failing later on bytes that are not text.
 */
export async function openFileBytes(path: string, compression: Compression, headBytes: number): Promise<FileBytes> {
  const name = basename(path);
  const { prefix, size, tail } = await readPrefix(path, headBytes);
  const gzip = isGzip(prefix);
  if (gzip && compression === 'none') throw new BadInputError(`${name} is gzip-compressed; set source.compression to auto (or gzip) to read it`);
  if (!gzip && compression === 'gzip') throw new BadInputError(`${name} is not gzip-compressed although source.compression says gzip`);
  if (!gzip) {
    const other = NOT_TEXT.find(([magic]) => startsWith(prefix, magic));
    if (other) throw new BadInputError(`${name} is ${other[1]}`);
    return {
      head: prefix,
      size,
      gzip,
      contentBytes: size,
      stream: (offset, chunkBytes) => createReadStream(path, { start: offset, highWaterMark: chunkBytes }),
    };
  }
  // gzip records the content's length modulo 2^32 in its last four bytes: right for any file under 4 GiB.
  const recorded = tail.length === 4 ? tail.readUInt32LE(0) : undefined;
  return {
    head: await gunzipHead(path, headBytes),
    size,
    gzip,
    contentBytes: recorded !== undefined && recorded >= size / 1032 ? recorded : undefined,
    stream: (offset, chunkBytes) => gunzipFrom(path, offset, chunkBytes),
  };
}
