import { createHash } from 'node:crypto';
import type { Field, OutgoingMessage } from '../../connectors/source-chunk.ts';
import type { TargetColumn } from '../../connectors/target-tables.ts';
import type { Masker } from '../../governance/masking/masker.ts';

/**
 * What every message says, as JSON (UTF-8):
 * `{ "job", "id", "op": "upsert" | "delete", "key", "cursor", "row": { column: value } }`. `key` and
 * `cursor` are the text the centre prints (the cursor with its microseconds and offset); `row` holds
 * the sent columns, masked as planned: booleans as true/false, smallint and integer as numbers,
 * json/jsonb as JSON, NULL as null, and everything else (bigint, numeric, dates, times, arrays, masked
 * values) as the text PostgreSQL prints, so no digit is lost. Nothing in it depends on when it was
 * sent: a re-send is byte for byte the same message.
 */
export interface ChangeMessage {
  job: string;
  id: string;
  op: 'upsert' | 'delete';
  key: string;
  cursor: string;
  row: Record<string, unknown>;
}

/**
 * A change's message id: the job and a digest of its key and cursor, so the same change gets the
 * same id whichever attempt or run sends it, and the broker's duplicate window drops a re-send.
 */
export function changeMessageId(job: string, key: string, cursor: string): string {
  return `${job}:${createHash('sha256').update(`${key}\u0000${cursor}`).digest('hex').slice(0, 32)}`;
}

type Convert = (text: string) => unknown;

function converterFor(type: string): Convert {
  if (type === 'boolean') return (t) => t === 't' || t === 'true';
  if (type === 'smallint' || type === 'integer') return Number;
  if (type === 'json' || type === 'jsonb') return (t) => JSON.parse(t) as unknown;
  return (t) => t;
}

export interface MessageShape {
  job: string;
  columns: readonly TargetColumn[];
  /** One per sent column; undefined: sent as it is. */
  maskers: readonly (Masker | undefined)[];
  keyIndex: number;
  cursorIndex: number;
  deletedIndex?: number;
  subject(key: string): string;
}

/** Turns rows as read (the sent columns, then the cursor) into their messages. */
export function changeMessages(shape: MessageShape): (rows: readonly Field[][]) => OutgoingMessage[] {
  const names = shape.columns.map((c) => c.name);
  const convert = shape.columns.map((c, i) => (shape.maskers[i] ? (t: string) => t : converterFor(c.type)));
  const encoder = new TextEncoder();
  return (rows) =>
    rows.map((row) => {
      const key = row[shape.keyIndex]!;
      const cursor = row[shape.cursorIndex]!;
      const id = changeMessageId(shape.job, key, cursor);
      const values: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) {
        const masker = shape.maskers[i];
        const value = masker ? masker(row[i] ?? null) : (row[i] ?? null);
        values[names[i]!] = value === null ? null : convert[i]!(value);
      }
      const op = shape.deletedIndex !== undefined && row[shape.deletedIndex] === 't' ? 'delete' : 'upsert';
      const message: ChangeMessage = { job: shape.job, id, op, key, cursor, row: values };
      return { subject: shape.subject(key), id, data: encoder.encode(JSON.stringify(message)) };
    });
}
