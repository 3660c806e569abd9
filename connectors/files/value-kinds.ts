import { shortTypeName } from '../../governance/storage-type.ts';

/** How an extract file holds a column's values, from the PostgreSQL type it is sent as. */
export type ValueKind = 'int32' | 'int64' | 'float' | 'decimal' | 'boolean' | 'date' | 'timestamptz' | 'timestamp' | 'json' | 'text';

export function valueKind(pgType: string): ValueKind {
  const type = shortTypeName(pgType.trim().toLowerCase()).replace(/\(.*\)$/, '');
  if (type === 'smallint' || type === 'integer' || type === 'int2' || type === 'int4') return 'int32';
  if (type === 'bigint' || type === 'int8') return 'int64';
  if (type === 'real' || type === 'float4' || type === 'float8' || type === 'double precision') return 'float';
  if (type === 'numeric' || type === 'decimal') return 'decimal';
  if (type === 'boolean' || type === 'bool') return 'boolean';
  if (type === 'date') return 'date';
  if (type === 'timestamptz') return 'timestamptz';
  if (type === 'timestamp') return 'timestamp';
  if (type === 'json' || type === 'jsonb') return 'json';
  return 'text';
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-]\d{2})?(?::?(\d{2}))?(?::?(\d{2}))?$/;

/** Microseconds since the epoch of a timestamp as PostgreSQL prints it (DateStyle ISO), in UTC when it has no offset. */
export function timestampMicros(text: string): bigint {
  const m = STAMP.exec(text);
  if (!m) throw new Error(`cannot write the timestamp ${JSON.stringify(text)} to a file (BC and infinite timestamps have no ISO form)`);
  const seconds = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000;
  const sign = m[8]?.startsWith('-') ? -1 : 1;
  const offset = m[8] ? sign * (Math.abs(Number(m[8])) * 3600 + Number(m[9] ?? 0) * 60 + Number(m[10] ?? 0)) : 0;
  const micros = m[7] ? Number(m[7].slice(1).padEnd(6, '0')) : 0;
  return BigInt(seconds - offset) * 1_000_000n + BigInt(micros);
}

/** `2026-12-01T02:00:00.123456Z` (timestamptz, in UTC) or `2026-12-01T10:00:00.123456` (timestamp, as stored). */
export function isoTimestamp(text: string, utc: boolean): string {
  const micros = timestampMicros(text);
  const seconds = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n);
  const fraction = String(micros - seconds * 1_000_000n).padStart(6, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}${utc ? 'Z' : ''}`;
}

/** Days since 1970-01-01 of `yyyy-mm-dd`. */
export function epochDays(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new Error(`cannot write the date ${JSON.stringify(text)} to a file (BC and infinite dates have no ISO form)`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** The value as its JSON text: numbers as written (exact, whatever their size), timestamps ISO, JSON columns embedded. */
export function jsonValue(text: string | null, kind: ValueKind): string {
  if (text === null) return 'null';
  switch (kind) {
    case 'int32':
    case 'int64':
    case 'float':
    case 'decimal':
      // NaN and the infinities are no JSON numbers.
      return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
    case 'boolean':
      return text === 't' ? 'true' : 'false';
    case 'timestamptz':
    case 'timestamp':
      return JSON.stringify(isoTimestamp(text, kind === 'timestamptz'));
    case 'json':
      return text;
    default:
      return JSON.stringify(text);
  }
}

/** The value as CSV text (before quoting): as in JSON, without JSON's quotes. */
export function plainValue(text: string, kind: ValueKind): string {
  if (kind === 'boolean') return text === 't' ? 'true' : 'false';
  if (kind === 'timestamptz' || kind === 'timestamp') return isoTimestamp(text, kind === 'timestamptz');
  return text;
}
