import { isUtf8 } from 'node:buffer';
import { BadInputError } from '../../config/errors.ts';
import type { TextEncodingName } from './detect-encoding.ts';
import { parseRecords, type CsvDialect, type Field } from './parse-records.ts';

export interface CsvDecoderOptions {
  encoding: TextEncodingName;
  dialect: CsvDialect;
  expectedFields: number;
  /** File name for error messages. */
  source: string;
}

export interface DecodedChunk {
  rows: Field[][];
  /** The records as UTF-8 CSV for COPY (the input bytes themselves when that is already true). */
  payload: Buffer;
  lines: number;
}

/**
 * Turns record-aligned bytes into parsed rows and a COPY payload. Plain data, no I/O: it runs in the
 * activity's thread or in the profiling thread alike.
 */
export function createCsvChunkDecoder(options: CsvDecoderOptions): (bytes: Buffer, offset: number, line: number) => DecodedChunk {
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

  return (bytes, offset, line) => {
    let text: string;
    try {
      text = decode(bytes);
    } catch {
      throw new BadInputError(`${source}: bytes ${offset}..${offset + bytes.length} (from line ${line}) are not valid ${encoding}; check source.encoding`);
    }
    const parsed = parseRecords(text, dialect, expectedFields, line, source);
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
  };
}
