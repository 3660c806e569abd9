import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isUtf8 } from 'node:buffer';
import { BadInputError } from '../../config/errors.ts';
import type { ColumnInfo, RecordReader, SourceChunk, SourcePosition } from '../source-chunk.ts';
import { resolveEncoding, type TextEncodingName } from './detect-encoding.ts';
import { lastRecordEnd } from './record-boundary.ts';
import { parseRecords, type CsvDialect } from './parse-records.ts';
import { columnNameSchema } from '../../schemas/identifiers.ts';

export interface CsvReaderOptions extends CsvDialect {
  encoding: 'auto' | TextEncodingName;
  /** Resume point from a checkpoint; omitted = right after the header. */
  start?: SourcePosition;
  chunkBytes?: number;
}

const HEAD_BYTES = 64 * 1024;

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new BadInputError(`file not found: ${path}`);
    if (error.code === 'EACCES') throw new BadInputError(`file not readable: ${path}`);
    if (error.code === 'EISDIR') throw new BadInputError(`expected a file, found a directory: ${path}`);
    throw error;
  });
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Column names as given, checked to be safe identifiers so they can become table columns. */
function headerColumns(fields: (string | null)[], source: string): ColumnInfo[] {
  const seen = new Set<string>();
  return fields.map((raw, i) => {
    const name = (raw ?? '').trim().toLowerCase();
    if (!columnNameSchema.safeParse(name).success) {
      throw new BadInputError(`${source} header column ${i + 1} "${raw ?? ''}" is not a usable column name (letters, digits and _ only)`);
    }
    if (seen.has(name)) throw new BadInputError(`${source} header names column "${name}" twice`);
    seen.add(name);
    return { name, pgType: 'text' };
  });
}

export async function openCsvFile(path: string, options: CsvReaderOptions): Promise<RecordReader> {
  const source = basename(path);
  const head = await readHead(path);
  const { size } = await stat(path);
  if (head.length === 0) throw new BadInputError(`${source} is empty: a header row is required`);
  const encoding = resolveEncoding(options.encoding, head, source);
  const quoteByte = options.quote.charCodeAt(0);
  const firstNewline = findFirstRecordEnd(head, quoteByte);
  if (firstNewline === 0 && head.length < size) throw new BadInputError(`${source}: header row longer than ${HEAD_BYTES} bytes`);
  const headerBytes = head.subarray(0, firstNewline || head.length);
  let headerText = new TextDecoder(encoding).decode(headerBytes);
  if (headerText.charCodeAt(0) === 0xfeff) headerText = headerText.slice(1);
  const headerLine = headerText.replace(/\r?\n$/, '');
  const header = parseRecords(`${headerLine}\n`, options, countFields(headerLine, options), 1, source);
  const columns = headerColumns(header.rows[0] ?? [], source);
  const start = options.start ?? { byteOffset: firstNewline || head.length, line: 2 };
  const copyOptions = `FORMAT csv, DELIMITER ${sqlChar(options.delimiter)}, QUOTE ${sqlChar(options.quote)}`;
  let stream: ReturnType<typeof createReadStream> | undefined;

  async function* chunks(): AsyncGenerator<SourceChunk> {
    let byteOffset = start.byteOffset ?? 0;
    let line = start.line ?? 2;
    let carry: Buffer = Buffer.alloc(0);
    stream = createReadStream(path, { start: byteOffset, highWaterMark: options.chunkBytes ?? 256 * 1024 });
    for await (const piece of stream as AsyncIterable<Buffer>) {
      const bytes = carry.length ? Buffer.concat([carry, piece]) : piece;
      const end = lastRecordEnd(bytes, quoteByte);
      if (end === 0) {
        carry = bytes;
        continue;
      }
      const chunk = decodeChunk(bytes.subarray(0, end), byteOffset, line);
      byteOffset += end;
      line += chunk.lines;
      carry = bytes.subarray(end);
      yield { rows: chunk.rows, payload: chunk.payload, bytes: end, end: { byteOffset, line } };
    }
    if (carry.length) {
      const withNewline = Buffer.concat([carry, Buffer.from('\n')]);
      if (lastRecordEnd(withNewline, quoteByte) === 0) throw new BadInputError(`${source} line ${line}: unterminated quoted field at end of file`);
      const chunk = decodeChunk(withNewline, byteOffset, line);
      byteOffset += carry.length;
      line += chunk.lines;
      yield { rows: chunk.rows, payload: chunk.payload, bytes: carry.length, end: { byteOffset, line } };
    }
  }

  function decodeChunk(bytes: Buffer, offset: number, line: number) {
    let text: string;
    try {
      text = decoder(bytes);
    } catch {
      throw new BadInputError(`${source}: bytes ${offset}..${offset + bytes.length} (from line ${line}) are not valid ${encoding}; check source.encoding`);
    }
    const parsed = parseRecords(text, options, columns.length, line, source);
    let payload: Buffer;
    if (parsed.spans) {
      const parts: string[] = [];
      for (let i = 0; i < parsed.spans.length; i += 2) {
        const record = text.slice(parsed.spans[i], parsed.spans[i + 1]);
        parts.push(record.endsWith('\n') ? record : `${record}\n`);
      }
      payload = Buffer.from(parts.join(''), 'utf8');
    } else {
      payload = encoding === 'utf-8' ? bytes : Buffer.from(text, 'utf8');
    }
    return { rows: parsed.rows, payload, lines: parsed.lines };
  }

  const fatalDecoder = new TextDecoder(encoding, { fatal: true });
  // Chunks end on record boundaries, so each decodes on its own; for UTF-8 the native validator plus
  // toString is several times faster than a fatal TextDecoder.
  const decoder =
    encoding === 'utf-8'
      ? (bytes: Buffer) => {
          if (!isUtf8(bytes)) throw new Error('invalid UTF-8');
          return bytes.toString('utf8');
        }
      : (bytes: Buffer) => fatalDecoder.decode(bytes);

  return {
    columns,
    copyOptions,
    totalBytes: size,
    chunks,
    async close() {
      stream?.destroy();
    },
  };
}

function sqlChar(c: string): string {
  return `E'${c === "'" ? "\\'" : c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c}'`;
}

function findFirstRecordEnd(bytes: Uint8Array, quote: number): number {
  let inQuotes = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === quote) inQuotes = !inQuotes;
    else if (b === 0x0a && !inQuotes) return i + 1;
  }
  return 0;
}

function countFields(line: string, { delimiter, quote }: CsvDialect): number {
  let count = 1;
  let inQuotes = false;
  for (const c of line) {
    if (c === quote) inQuotes = !inQuotes;
    else if (c === delimiter && !inQuotes) count++;
  }
  return count;
}
