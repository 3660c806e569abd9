import type { FilterCondition, FilterValue, RowFilter } from '../schemas/row-filter.ts';
import { BadInputError } from '../errors/bad-input.ts';
import { shortTypeName } from './storage-type.ts';

/** A source column a filter may name, with its PostgreSQL type (format_type or short form). */
export interface FilterColumn {
  name: string;
  pgType: string;
}

/** A WHERE condition with its values as `$1..$n` parameters (text, each cast to the column's kind in the SQL). */
export interface CompiledFilter {
  sql: string;
  params: string[];
}

type Kind = 'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'timestamptz' | 'text' | 'uuid';

/** The type each kind's parameters are cast to: without length limits, so a long value is never cut to fit. */
const CAST: Record<Kind, string> = {
  integer: 'bigint',
  decimal: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  text: 'text',
  uuid: 'uuid',
};

const MAX_DEPTH = 16;
const MAX_CONDITIONS = 500;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function kindOf(pgType: string): Kind | undefined {
  const type = shortTypeName(pgType.trim().toLowerCase()).replace(/\(.*\)$/, '');
  if (/^(smallint|integer|bigint|int2|int4|int8)$/.test(type)) return 'integer';
  if (/^(numeric|decimal|real|float4|float8|double precision)$/.test(type)) return 'decimal';
  if (type === 'boolean' || type === 'bool') return 'boolean';
  if (type === 'date') return 'date';
  if (type === 'timestamp' || type === 'timestamp without time zone') return 'timestamp';
  if (type === 'timestamptz' || type === 'timestamp with time zone') return 'timestamptz';
  if (/^(text|varchar|character varying|char|character|bpchar|citext|name)$/.test(type)) return 'text';
  if (type === 'uuid') return 'uuid';
  return undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = '[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?';
const TIMESTAMP = new RegExp(`^\\d{4}-\\d{2}-\\d{2}${TIME}$`);
const TIMESTAMPTZ = new RegExp(`^\\d{4}-\\d{2}-\\d{2}${TIME}(Z|[+-]\\d{2}(:?\\d{2})?)$`);
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function validDate(text: string): boolean {
  const m = DATE.exec(text.slice(0, 10));
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/** The value as parameter text for a column of this kind, or why it does not fit. */
function parameterText(value: FilterValue, kind: Kind): string | { problem: string } {
  switch (kind) {
    case 'integer': {
      const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : typeof value === 'string' ? value.trim() : '';
      if (!/^[+-]?\d+$/.test(text)) return { problem: 'is not an integer' };
      const n = BigInt(text);
      return n < INT64_MIN || n > INT64_MAX ? { problem: 'is out of range for an integer column' } : n.toString();
    }
    case 'decimal':
      if (typeof value === 'number') return Number.isFinite(value) ? String(value) : { problem: 'is not a finite number' };
      return typeof value === 'string' && DECIMAL.test(value.trim()) ? value.trim() : { problem: 'is not a number' };
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : { problem: 'is not true or false' };
    case 'date':
      return typeof value === 'string' && DATE.test(value) && validDate(value) ? value : { problem: 'is not a date (yyyy-mm-dd)' };
    case 'timestamp':
      return typeof value === 'string' && TIMESTAMP.test(value) && validDate(value)
        ? value
        : { problem: 'is not a timestamp without time zone (yyyy-mm-ddThh:mm:ss)' };
    case 'timestamptz':
      return typeof value === 'string' && TIMESTAMPTZ.test(value) && validDate(value)
        ? value
        : { problem: 'is not a timestamp with its offset (yyyy-mm-ddThh:mm:ss+08:00 or ...Z)' };
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? value : { problem: 'is not a UUID' };
    case 'text':
      return typeof value === 'string' ? value : { problem: 'is not text (quote it in the spec)' };
  }
}

const COMPARE: Record<string, string> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };

/**
 * Builds the condition, naming every problem at once: an unknown column, a type a filter cannot
 * compare, a value that does not fit its column. `bind` turns one value (as text) into SQL.
 */
function build(
  filter: RowFilter,
  columns: readonly FilterColumn[],
  quoteIdent: (name: string) => string,
  bind: (text: string, cast: string) => string,
): string {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const problems: string[] = [];
  let conditions = 0;
  const condition = (c: FilterCondition): string => {
    const column = byName.get(c.column);
    if (!column) {
      problems.push(`filter column "${c.column}" is not a column of the source (it has ${columns.map((x) => x.name).join(', ')})`);
      return 'false';
    }
    const kind = kindOf(column.pgType);
    if (!kind) {
      problems.push(`filter column "${c.column}" is ${column.pgType}: filters compare text, numbers, booleans, dates, timestamps and UUIDs`);
      return 'false';
    }
    const col = quoteIdent(c.column);
    if (c.op === 'isNull') return `${col} IS NULL`;
    if (c.op === 'notNull') return `${col} IS NOT NULL`;
    if (c.op === 'startsWith' && kind !== 'text') {
      problems.push(`filter column "${c.column}" is ${column.pgType}: startsWith applies to text columns`);
      return 'false';
    }
    if (kind === 'boolean' && c.op !== 'eq' && c.op !== 'ne' && c.op !== 'in' && c.op !== 'notIn') {
      problems.push(`filter column "${c.column}" is boolean: ${c.op} does not apply (use eq or ne)`);
      return 'false';
    }
    const param = (value: FilterValue): string => {
      const text = parameterText(value, kind);
      if (typeof text === 'object') {
        problems.push(`filter value ${JSON.stringify(value)} for column "${c.column}" (${column.pgType}) ${text.problem}`);
        return 'NULL';
      }
      return bind(text, CAST[kind]);
    };
    if (c.op === 'in' || c.op === 'notIn') return `${col} ${c.op === 'in' ? 'IN' : 'NOT IN'} (${c.values!.map(param).join(', ')})`;
    if (c.op === 'between') return `${col} BETWEEN ${param(c.values![0]!)} AND ${param(c.values![1]!)}`;
    if (c.op === 'startsWith') return `starts_with(${col}::text, ${param(c.value!)})`;
    return `${col} ${COMPARE[c.op]} ${param(c.value!)}`;
  };
  const walk = (f: RowFilter, depth: number): string => {
    if (depth > MAX_DEPTH) {
      problems.push(`the filter nests deeper than ${MAX_DEPTH} levels`);
      return 'false';
    }
    if ('all' in f) return `(${f.all.map((x) => walk(x, depth + 1)).join(' AND ')})`;
    if ('any' in f) return `(${f.any.map((x) => walk(x, depth + 1)).join(' OR ')})`;
    if ('not' in f) return `(NOT ${walk(f.not, depth + 1)})`;
    conditions += 1;
    return `(${condition(f)})`;
  };
  const sql = walk(filter, 0);
  if (conditions > MAX_CONDITIONS) problems.push(`the filter has ${conditions} conditions; at most ${MAX_CONDITIONS} are allowed`);
  if (problems.length) throw new BadInputError(`the row filter cannot be applied:\n  ${[...new Set(problems)].join('\n  ')}`);
  return sql;
}

/** The filter as a parameterised WHERE condition (`$1::bigint` ...) over the given columns, checked against their types. */
export function compileRowFilter(filter: RowFilter, columns: readonly FilterColumn[], quoteIdent: (name: string) => string): CompiledFilter {
  const params: string[] = [];
  const sql = build(filter, columns, quoteIdent, (text, cast) => {
    params.push(text);
    return `$${params.length}::${cast}`;
  });
  return { sql, params };
}

/**
 * The same condition with each value written as a literal by `literal` (the driver's escaping), for
 * statements that take no parameters, such as COPY. The compiled text is otherwise identical.
 */
export function inlineRowFilter(
  filter: RowFilter,
  columns: readonly FilterColumn[],
  quoteIdent: (name: string) => string,
  literal: (text: string) => string,
): string {
  return build(filter, columns, quoteIdent, (text, cast) => `${literal(text)}::${cast}`);
}

/** The columns a filter names, in order of appearance. */
export function columnsNamed(filter: RowFilter | undefined): string[] {
  if (!filter) return [];
  if ('all' in filter) return filter.all.flatMap(columnsNamed);
  if ('any' in filter) return filter.any.flatMap(columnsNamed);
  if ('not' in filter) return columnsNamed(filter.not);
  return [filter.column];
}

/** The columns a filter compares with a value (isNull / notNull compare with none), in order of appearance. */
export function columnsCompared(filter: RowFilter | undefined): string[] {
  if (!filter) return [];
  if ('all' in filter) return filter.all.flatMap(columnsCompared);
  if ('any' in filter) return filter.any.flatMap(columnsCompared);
  if ('not' in filter) return columnsCompared(filter.not);
  return filter.op === 'isNull' || filter.op === 'notNull' ? [] : [filter.column];
}
