// Turns one broker message into the declared fields as text (what COPY and the rule engine speak), or
// says why it cannot: not UTF-8, not JSON, not an object, a required field missing, a wrong type.
import { isIsoDate } from '../semantic/dates.ts';
import { parseTimestamp } from '../rules/instant.ts';
import type { Reason } from '../rules/types.ts';
import { topLevelValueTexts } from '../json/raw-values.ts';

export type StreamFieldType = 'string' | 'integer' | 'number' | 'boolean' | 'timestamp' | 'date' | 'json';

export interface DeclaredField {
  name: string;
  type: StreamFieldType;
  required: boolean;
  /** Dotted path into the payload; default the name. */
  path?: string;
  /** Taken from this level of the subject / topic (`iot/{department}/{device}/telemetry`: 1 and 2) instead of the payload. */
  topicLevel?: number;
  maxLength?: number;
}

export interface DecodeFailure {
  ruleId: string;
  /** The field at fault, or '' for the message as a whole. */
  column: string;
  reason: Reason;
}

export type Decoded = { values: (string | null)[] } | { failure: DecodeFailure };

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

function failure(ruleId: string, column: string, en: string, zh: string): { failure: DecodeFailure } {
  return { failure: { ruleId, column, reason: { en, zh } } };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** A timestamp for a timestamptz column: ISO text (a missing offset is the centre's), or epoch seconds / milliseconds. */
function timestampText(value: unknown, offsetMinutes: number): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // 10-digit epochs are seconds, 13-digit ones milliseconds (devices send both); nothing in between is sane.
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    const date = new Date(ms);
    if (Number.isNaN(date.getTime())) return undefined;
    // Epoch microseconds and the like land tens of thousands of years out, which timestamptz refuses.
    const year = date.getUTCFullYear();
    return year < 1 || year > 9999 ? undefined : date.toISOString();
  }
  if (typeof value !== 'string') return undefined;
  const ms = parseTimestamp(value, offsetMinutes);
  if (Number.isNaN(ms)) return undefined;
  const year = new Date(ms).getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  // PostgreSQL reads the text with its offset exactly (microseconds too); an offset-less one gets the centre's.
  return /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/.test(value.slice(16)) ? value : new Date(ms).toISOString();
}

/** Integers are taken from the payload's own text when JSON.parse could have rounded them (beyond 2^53). */
function integerText(value: unknown, raw: () => string | undefined): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || !Number.isInteger(value)) return undefined;
  if (Number.isSafeInteger(value)) return String(value);
  const text = raw();
  if (!text || !/^-?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n > INT64_MAX || n < INT64_MIN ? undefined : text;
}

function numberText(value: unknown, raw: () => string | undefined): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const text = String(value);
  // 15+ significant digits may have been rounded by JSON.parse: keep what the sender wrote.
  if (text.replace(/[-.]|e.*$/gi, '').replace(/^0+/, '').length < 15) return text;
  return raw() ?? text;
}

/** Compiles the declared fields once; the decoder then runs per message. */
export function messageDecoder(fields: readonly DeclaredField[], options: { defaultOffsetMinutes: number }): (data: Uint8Array, subject: string) => Decoded {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const paths = fields.map((f) => (f.path ?? f.name).split('.'));
  const fromTopic = fields.some((f) => f.topicLevel !== undefined);
  return (data, subject) => {
    const levels = fromTopic ? subject.split('/') : [];
    let text: string;
    try {
      text = utf8.decode(data);
    } catch {
      return failure('stream.encoding', '', 'the message is not UTF-8 text', '消息不是 UTF-8 文本');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      return failure('stream.json', '', `the message is not JSON: ${(error as Error).message}`, '消息不是合法的 JSON');
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      return failure('stream.json', '', `the message is ${describe(payload)}, not a JSON object`, '消息不是 JSON 对象');
    }
    let rawTexts: Map<string, string> | undefined;
    const values: (string | null)[] = new Array(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i]!;
      const path = paths[i]!;
      let value: unknown = payload;
      if (field.topicLevel !== undefined) value = levels[field.topicLevel] || undefined;
      else {
        for (const part of path) {
          value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[part] : undefined;
          if (value === undefined) break;
        }
      }
      if (value === undefined || value === null) {
        if (field.required) return failure('stream.required', field.name, `required field "${field.name}" is missing`, `缺少必填字段 "${field.name}"`);
        values[i] = null;
        continue;
      }
      const raw = () => {
        if (path.length !== 1) return undefined;
        rawTexts ??= topLevelValueTexts(text);
        return rawTexts.get(path[0]!);
      };
      const out = fieldText(field, value, raw, options.defaultOffsetMinutes);
      if (out === undefined) {
        return failure(
          'stream.type',
          field.name,
          `field "${field.name}" should be ${article(field.type)}, got ${describe(value)}`,
          `字段 "${field.name}" 应为 ${field.type} 类型`,
        );
      }
      // PostgreSQL text and jsonb hold neither U+0000 nor half a surrogate pair (jsonb refuses their escapes).
      if (unstorable(value)) {
        return failure(
          'stream.type',
          field.name,
          `field "${field.name}" contains a NUL character or an unpaired surrogate`,
          `字段 "${field.name}" 含有 NUL 字符或不成对的代理项`,
        );
      }
      if (field.maxLength !== undefined && field.type === 'string' && [...out].length > field.maxLength) {
        return failure(
          'stream.type',
          field.name,
          `field "${field.name}" is longer than ${field.maxLength} characters`,
          `字段 "${field.name}" 超过 ${field.maxLength} 个字符`,
        );
      }
      values[i] = out;
    }
    return { values };
  };
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a value (strings, and keys and strings inside JSON) holds what PostgreSQL cannot store. */
function unstorable(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => unstorable(v, depth + 1));
  return Object.entries(value).some(([k, v]) => UNSTORABLE.test(k) || unstorable(v, depth + 1));
}

function article(type: StreamFieldType): string {
  return type === 'integer' ? 'an integer' : `a ${type}`;
}

function fieldText(field: DeclaredField, value: unknown, raw: () => string | undefined, offsetMinutes: number): string | undefined {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
      return integerText(value, raw);
    case 'number':
      return numberText(value, raw);
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'timestamp':
      return timestampText(value, offsetMinutes);
    case 'date':
      return typeof value === 'string' && isIsoDate(value) ? value : undefined;
    case 'json':
      return JSON.stringify(value);
  }
}
