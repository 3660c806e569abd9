import { isUtf8 } from 'node:buffer';
import { BadInputError } from '../../errors/bad-input.ts';
import type { TextEncodingName } from './detect-encoding.ts';
import type { Field } from '../source-chunk.ts';
import { parseRecords, type CsvDialect } from './parse-records.ts';

export interface CsvDecoderOptions {
  encoding: TextEncodingName;
  dialect: CsvDialect;
  expectedFields: number;
  /** File name for error messages. */
  source: string;
  /** Column names, for naming where a bad byte is. */
  columns?: readonly string[];
}

export interface DecodedChunk {
  rows: Field[][];
  /** The records as UTF-8 CSV for COPY (the input bytes themselves when that is already true). */
  payload: Buffer;
  lines: number;
  /** Bytes of complete records; the rest of the input belongs to a record the next chunk completes. */
  consumedBytes: number;
}

/** Byte index just after the n-th newline (n >= 1); newlines are single bytes in UTF-8 and GBK alike. */
function afterNthNewline(bytes: Buffer, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) at = bytes.indexOf(0x0a, at + 1);
  return at + 1;
}

/**
 * Turns record-aligned bytes into parsed rows and a COPY payload. Plain data, no I/O: it runs in the
 * activity's thread or in the profiling thread alike.
 */
export function createCsvChunkDecoder(options: CsvDecoderOptions): (bytes: Buffer, offset: number, line: number, final?: boolean) => DecodedChunk {
  const { encoding, dialect, expectedFields, source } = options;
  const fatalDecoder = new TextDecoder(encoding, { fatal: true });
  // Each chunk ends on a record boundary, so it decodes on its own; for UTF-8 the native validator
  // plus toString is several times faster than a fatal TextDecoder.
  const decode =
    encoding === 'utf-8'
      ? (bytes: Buffer) => {
          if (!isUtf8(bytes)) throw new Error('invalid UTF-8');
          return bytes.toString('utf8');
        }
      : (bytes: Buffer) => fatalDecoder.decode(bytes);

  return (bytes, offset, line, final = true) => {
    let text: string;
    try {
      text = decode(bytes);
    } catch {
      throw new BadInputError(`${source}: bytes ${offset}..${offset + bytes.length} (from line ${line}) are not valid ${encoding}; check source.encoding`);
    }
    const parsed = parseRecords(text, dialect, expectedFields, line, source, final);
    // PostgreSQL text cannot hold a NUL byte; a native search keeps the check off the per-field path.
    const nul = bytes.indexOf(0);
    if (nul !== -1) throw nulByteError(bytes, nul, line, parsed.rows, options);
    const complete = parsed.consumed === text.length;
    // Rare: a quoted field runs past the chunk. Its record starts right after the last newline consumed.
    const consumedBytes = complete ? bytes.length : parsed.lines === 0 ? 0 : afterNthNewline(bytes, parsed.lines);
    let payload: Buffer;
    if (parsed.spans) {
      const parts: string[] = [];
      for (let i = 0; i < parsed.spans.length; i += 2) {
        const record = text.slice(parsed.spans[i], parsed.spans[i + 1]);
        parts.push(record.endsWith('\n') ? record : `${record}\n`);
      }
      payload = Buffer.from(parts.join(''), 'utf8');
    } else {
      payload = encoding === 'utf-8' ? bytes.subarray(0, consumedBytes) : Buffer.from(complete ? text : text.slice(0, parsed.consumed), 'utf8');
    }
    return { rows: parsed.rows, payload, lines: parsed.lines, consumedBytes };
  };
}

/** Where a NUL byte sits: the physical line (newlines before it) and the column of the first field holding one. */
function nulByteError(bytes: Buffer, at: number, firstLine: number, rows: readonly Field[][], options: CsvDecoderOptions): BadInputError {
  let line = firstLine;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < at; i = bytes.indexOf(0x0a, i + 1)) line++;
  let column = '';
  for (const row of rows) {
    const index = row.findIndex((f) => f?.includes('\u0000'));
    if (index !== -1) {
      column = `, column ${index + 1}${options.columns?.[index] ? ` "${options.columns[index]}"` : ''}`;
      break;
    }
  }
  return new BadInputError(
    `${options.source} line ${line}${column}: the value contains a NUL byte (0x00), which a text column cannot store; is this a binary file?`,
  );
}
