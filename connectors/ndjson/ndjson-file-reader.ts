import { basename } from 'node:path';
import { wholeLines } from '../whole-lines.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { Field } from '../source-chunk.ts';
import { copyTextRow } from '../postgres/copy-text.ts';
import type { RecordReader, SourceChunk, SourcePosition } from '../source-chunk.ts';
import { assertSameFile, fileFingerprint } from '../file-fingerprint.ts';
import { openFileBytes, type Compression, type FileBytes } from '../file-bytes.ts';
import { topLevelValueTexts } from '../../governance/json/raw-values.ts';

function toField(value: unknown): Field {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return String(value);
}

function firstRecordKeys(head: Buffer, source: string): string[] {
  const text = head.toString('utf8');
  const line = text.split('\n')[0]?.trim();
  if (!line) throw new BadInputError(`${source} is empty or starts with a blank line`);
  if (!text.includes('\n') && head.length >= HEAD_BYTES) throw new BadInputError(`${source} line 1 is longer than ${HEAD_BYTES >> 10} KiB`);
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    throw new BadInputError(`${source} line 1: not valid JSON (${(error as Error).message})`);
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) throw new BadInputError(`${source} line 1: expected a JSON object`);
  return Object.keys(record);
}

const HEAD_BYTES = 1024 * 1024;

/** Newline-delimited JSON objects; the first record's keys define the columns. */
export async function openNdjsonFile(path: string, start?: SourcePosition, compression: Compression = 'auto'): Promise<RecordReader> {
  const source = basename(path);
  const file = await openFileBytes(path, compression, HEAD_BYTES);
  const { fingerprint } = await fileFingerprint(path);
  assertSameFile(path, start, fingerprint);
  const keys = firstRecordKeys(file.head, source);
  const index = new Map(keys.map((k, i) => [k, i]));
  let stream: ReturnType<FileBytes['stream']> | undefined;

  async function* chunks(): AsyncGenerator<SourceChunk> {
    let byteOffset = start?.byteOffset ?? 0;
    let line = start?.line ?? 1;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    stream = file.stream(byteOffset, 256 * 1024);
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
          // A \u0000 escape parses to a NUL character, which PostgreSQL text cannot store.
          if (trimmed.includes('\\u0000')) {
            const key = Object.keys(record).find((k) => typeof record[k] === 'string' && (record[k] as string).includes('\u0000'));
            if (key !== undefined)
              throw new BadInputError(`${source} line ${line}, key "${key}": the value contains a NUL character (\\u0000), which a text column cannot store`);
          }
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
    for await (const lines of wholeLines(stream, { finalLine: true })) yield parseLines(lines);
  }

  return {
    columns: keys.map((name) => ({ name, pgType: 'text' })),
    copyOptions: 'FORMAT text',
    totalBytes: file.contentBytes,
    chunks,
    async close() {
      stream?.destroy();
    },
  };
}
