import { assertSameFile, fileFingerprint } from '../file-fingerprint.ts';
import { openFileBytes, type Compression, type FileBytes } from '../file-bytes.ts';
import { basename } from 'node:path';
import { BadInputError } from '../../errors/bad-input.ts';
import type { ColumnInfo, RecordReader, SourceChunk, SourcePosition } from '../source-chunk.ts';
import { createCsvChunkDecoder, type CsvDecoderOptions } from './chunk-decoder.ts';
import { resolveEncoding, type TextEncodingName } from './detect-encoding.ts';
import { parseRecords, type CsvDialect } from './parse-records.ts';

export interface CsvReaderOptions extends CsvDialect {
  encoding: 'auto' | TextEncodingName;
  compression?: Compression;
  /** Resume point from a checkpoint; omitted = right after the header. */
  start?: SourcePosition;
  chunkBytes?: number;
}

const HEAD_BYTES = 64 * 1024;
/** Longest record accepted; a quoted field can span lines, but not forever. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** The header's names as written (trimmed); publishing names them (see governance/column-names.ts). */
function headerColumns(fields: (string | null)[]): ColumnInfo[] {
  return fields.map((raw) => ({ name: (raw ?? '').trim(), pgType: 'text' }));
}

export async function openCsvFile(path: string, options: CsvReaderOptions): Promise<RecordReader> {
  const source = basename(path);
  const file = await openFileBytes(path, options.compression ?? 'auto', HEAD_BYTES);
  const { head } = file;
  const { fingerprint } = await fileFingerprint(path);
  assertSameFile(path, options.start, fingerprint);
  if (head.length === 0) throw new BadInputError(`${source} is empty: a header row is required`);
  const encoding = resolveEncoding(options.encoding, head, source);
  const quoteByte = options.quote.charCodeAt(0);
  const firstNewline = findFirstRecordEnd(head, quoteByte);
  if (firstNewline === 0 && head.length >= HEAD_BYTES) throw new BadInputError(`${source}: header row longer than ${HEAD_BYTES} bytes`);
  const headerBytes = head.subarray(0, firstNewline || head.length);
  let headerText = new TextDecoder(encoding).decode(headerBytes);
  if (headerText.charCodeAt(0) === 0xfeff) headerText = headerText.slice(1);
  const headerLine = headerText.replace(/\r?\n$/, '');
  const header = parseRecords(`${headerLine}\n`, options, countFields(headerLine, options), 1, source);
  const columns = headerColumns(header.rows[0] ?? []);
  const start = options.start ?? { byteOffset: firstNewline || head.length, line: 2 };
  const copyOptions = `FORMAT csv, DELIMITER ${sqlChar(options.delimiter)}, QUOTE ${sqlChar(options.quote)}`;
  let stream: ReturnType<FileBytes['stream']> | undefined;

  const decoderOptions: CsvDecoderOptions = {
    encoding,
    dialect: { delimiter: options.delimiter, quote: options.quote },
    expectedFields: columns.length,
    source,
    columns: columns.map((c) => c.name),
  };

  /**
   * Cuts each read at its last newline (a native search) and lets the parser, which tracks quotes
   * anyway, say how much of it is complete records; the rest waits for the next read.
   */
  async function* chunks(): AsyncGenerator<SourceChunk> {
    const decodeChunk = createCsvChunkDecoder(decoderOptions);
    let offset = start.byteOffset ?? 0;
    let line = start.line ?? 2;
    let carry: Buffer = Buffer.alloc(0);
    stream = file.stream(offset, options.chunkBytes ?? 256 * 1024);
    for await (const piece of stream) {
      const bytes = carry.length ? Buffer.concat([carry, piece]) : piece;
      const cut = bytes.lastIndexOf(0x0a) + 1;
      const chunk = cut ? decodeChunk(bytes.subarray(0, cut), offset, line, false) : undefined;
      if (!chunk || chunk.consumedBytes === 0) {
        // No complete record yet: a quoted field spanning lines, or one that never closes.
        if (bytes.length > MAX_RECORD_BYTES) {
          throw new BadInputError(`${source}: no record ends within ${MAX_RECORD_BYTES >> 20} MiB after byte ${offset}: an unterminated or stray quote?`);
        }
        carry = bytes;
        continue;
      }
      carry = bytes.subarray(chunk.consumedBytes);
      offset += chunk.consumedBytes;
      line += chunk.lines;
      yield { rows: chunk.rows, payload: chunk.payload, bytes: chunk.consumedBytes, end: { byteOffset: offset, line, fingerprint } };
    }
    if (carry.length) {
      const withNewline = carry[carry.length - 1] === 0x0a ? carry : Buffer.concat([carry, Buffer.from('\n')]);
      const chunk = decodeChunk(withNewline, offset, line, true);
      offset += carry.length;
      line += chunk.lines;
      yield { rows: chunk.rows, payload: chunk.payload, bytes: carry.length, end: { byteOffset: offset, line, fingerprint } };
    }
  }

  return {
    columns,
    copyOptions,
    totalBytes: file.contentBytes,
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
