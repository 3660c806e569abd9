import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { BadInputError } from '../../errors/bad-input.ts';
import { columnNameSchema } from '../../schemas/identifiers.ts';
import type { Field } from '../source-chunk.ts';
import { copyTextRow } from '../postgres/copy-text.ts';
import type { RecordReader, SourceChunk, SourcePosition } from '../source-chunk.ts';
import { assertSameFile, fileFingerprint } from '../file-fingerprint.ts';
import { topLevelValueTexts } from './raw-values.ts';

function toField(value: unknown): Field {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return String(value);
}

async function firstRecordKeys(path: string, source: string): Promise<string[]> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  let text = '';
  for await (const piece of stream as AsyncIterable<string>) {
    text += piece;
    if (text.includes('\n')) break;
  }
  stream.destroy();
  const line = text.split('\n')[0]?.trim();
  if (!line) throw new BadInputError(`${source} is empty or starts with a blank line`);
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new BadInputError(`${source} line 1: not valid JSON (${(error as Error).message})`);
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) throw new BadInputError(`${source} line 1: expected a JSON object`);
  return Object.keys(record);
}

/** Newline-delimited JSON objects; the first record's keys define the columns. */
export async function openNdjsonFile(path: string, start?: SourcePosition): Promise<RecordReader> {
  const source = basename(path);
  const { size, fingerprint } = await fileFingerprint(path);
  assertSameFile(path, start, fingerprint);
  const keys = await firstRecordKeys(path, source);
  for (const key of keys) {
    if (!columnNameSchema.safeParse(key).success) throw new BadInputError(`${source}: key "${key}" is not a usable column name`);
  }
  const index = new Map(keys.map((k, i) => [k, i]));
  let stream: ReturnType<typeof createReadStream> | undefined;

  async function* chunks(): AsyncGenerator<SourceChunk> {
    let byteOffset = start?.byteOffset ?? 0;
    let line = start?.line ?? 1;
    let carry: Buffer = Buffer.alloc(0);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    stream = createReadStream(path, { start: byteOffset, highWaterMark: 256 * 1024 });
    const parseLines = (bytes: Buffer): SourceChunk => {
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        throw new BadInputError(`${source}: bytes from line ${line} are not valid UTF-8`);
      }
      const rows: Field[][] = [];
      let payload = '';
      for (const raw of text.split('\n')) {
        const trimmed = raw.trim();
        if (trimmed) {
          let record: Record<string, unknown>;
          try {
            record = JSON.parse(trimmed) as Record<string, unknown>;
          } catch (error) {
            throw new BadInputError(`${source} line ${line}: not valid JSON (${(error as Error).message})`);
          }
          if (!record || typeof record !== 'object' || Array.isArray(record)) throw new BadInputError(`${source} line ${line}: expected a JSON object`);
          const row: Field[] = new Array(keys.length).fill(null);
          let texts: Map<string, string> | undefined;
          for (const [k, v] of Object.entries(record)) {
            const i = index.get(k);
            if (i === undefined) throw new BadInputError(`${source} line ${line}: unexpected key "${k}" (columns come from line 1)`);
            // Numbers and nested values keep their source text: parsed, long numbers would lose digits.
            if (typeof v === 'number' || (v !== null && typeof v === 'object')) {
              texts ??= topLevelValueTexts(trimmed);
              row[i] = texts.get(k)!;
            } else {
              row[i] = toField(v);
            }
          }
          rows.push(row);
          payload += copyTextRow(row);
        }
        line++;
      }
      line--; // split() yields one piece after the final newline
      byteOffset += bytes.length;
      return { rows, payload: Buffer.from(payload, 'utf8'), bytes: bytes.length, end: { byteOffset, line, fingerprint } };
    };
    for await (const piece of stream as AsyncIterable<Buffer>) {
      const bytes = carry.length ? Buffer.concat([carry, piece]) : piece;
      const end = bytes.lastIndexOf(0x0a) + 1;
      if (end === 0) {
        carry = bytes;
        continue;
      }
      carry = bytes.subarray(end);
      yield parseLines(bytes.subarray(0, end));
    }
    if (carry.length) yield parseLines(Buffer.concat([carry, Buffer.from('\n')]));
  }

  return {
    columns: keys.map((name) => ({ name, pgType: 'text' })),
    copyOptions: 'FORMAT text',
    totalBytes: size,
    chunks,
    async close() {
      stream?.destroy();
    },
  };
}
