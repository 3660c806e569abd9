// The values a tag rule sees: each field of the entity row (its columns, join aggregates and computed
// fields) with a CEL type derived from its PostgreSQL type, and the conversion of COPY text into it.
import type { Field } from '../../connectors/source-chunk.ts';

/** The CEL types a field can have; `timestamp` is CEL's google.protobuf.Timestamp. */
export type CelFieldType = 'int' | 'double' | 'string' | 'bool' | 'timestamp';

export interface RuleField {
  name: string;
  type: CelFieldType;
  /** Where it comes from, for messages and the rule's version: `column text`, `join households.count`, ... */
  origin: string;
}

/**
 * Integers are CEL ints, other numbers doubles, booleans bools, `timestamptz` timestamps; everything
 * else (text, dates, local timestamps, uuids, json) is a string: a date compares as its ISO text
 * (`birth_date < "1966-01-01"`), which orders as the dates do.
 */
export function celTypeOf(pgType: string): CelFieldType {
  const t = pgType.toLowerCase();
  if (t === 'smallint' || t === 'integer' || t === 'bigint' || t === 'int2' || t === 'int4' || t === 'int8') return 'int';
  if (t.startsWith('numeric') || t === 'real' || t === 'double precision' || t === 'float4' || t === 'float8') return 'double';
  if (t === 'boolean' || t === 'bool') return 'bool';
  if (t.startsWith('timestamp') && t.includes('with time zone')) return 'timestamp';
  return 'string';
}

export type CelValue = bigint | number | string | boolean | Date;

/**
 * PostgreSQL's text output (ISO DateStyle) of a timestamptz, `2026-11-01 08:30:00+08`, as a Date; one
 * JavaScript cannot hold (BC, infinity) as null: rules do not decide on it.
 */
function parseTimestamptz(text: string): Date | null {
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** A COPY text value as the field's CEL value; null stays null (the rule is then not evaluated). */
export function toCelValue(type: CelFieldType, text: Field): CelValue | null {
  if (text === null) return null;
  switch (type) {
    case 'int':
      return BigInt(text);
    case 'double':
      return Number(text);
    case 'bool':
      return text === 't' || text === 'true';
    case 'timestamp':
      return parseTimestamptz(text);
    default:
      return text;
  }
}

/** A CEL value as JSON evidence: ints as numbers while exact, else as their digits. */
export function evidenceValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

/** CEL's reserved words: columns named so cannot be referenced by a rule. */
const RESERVED = new Set('true false null in as break const continue else for function if import let loop package namespace return var void while'.split(' '));

/** Whether a column can be a rule variable: a CEL identifier that is not reserved or special. */
export function isRuleIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name) && !name.startsWith('__') && name !== 'cel';
}
