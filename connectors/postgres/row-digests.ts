import type pg from 'pg';
import { quoteIdent, quoteTable } from './quote.ts';
import { shortTypeName } from '../../governance/storage-type.ts';
import { stepOf, type DigestSide, type RangeDigest } from '../../governance/reconciliation.ts';

/**
 * One value as reconciliation encodes it on PostgreSQL, the same text MySQL / MariaDB gives for the
 * distributed column: timestamps in UTC with microseconds, booleans 0/1, arrays as JSON.
 */
export function pgCanonical(name: string, pgType: string): string {
  const c = quoteIdent(name);
  const type = shortTypeName(pgType.trim().toLowerCase()).replace(/\(.*\)$/, '');
  if (type.endsWith('[]')) return `to_jsonb(${c})::text`;
  if (type === 'boolean' || type === 'bool') return `${c}::int::text`;
  if (type === 'timestamptz') return `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`;
  if (type === 'timestamp') return `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`;
  if (type === 'time') return `to_char(TIMESTAMP '2000-01-01' + ${c}, 'HH24:MI:SS.US')`;
  return `${c}::text`;
}

/**
 * A row's hash over its canonical fields, separated by the unit separator (U+001F), NULL written as
 * the record separator (U+001E): a value that is exactly that one control character reads as NULL.
 */
export function pgRowHash(columns: readonly { name: string; pgType: string }[]): string {
  return `md5(concat_ws(E'\\x1f', ${columns.map((c) => `coalesce(${pgCanonical(c.name, c.pgType)}, E'\\x1e')`).join(', ')}))`;
}

/**
 * How both sides hash a row: `portable`, the canonical text and MD5 that MySQL / MariaDB compute alike;
 * `postgres`, for two PostgreSQL 14+ databases holding the same types, `hash_record_extended` over the
 * row's own values (each type's hash function: no value is formatted, timestamps hash their instant,
 * text its bytes), at about a fifth of the portable cost.
 */
export type RowEncoding = 'portable' | 'postgres';

/** hash_record_extended (and the types' own hash functions) arrived with PostgreSQL 14. */
export const RECORD_HASH_SINCE = 140000;

/** Types whose hash function depends on the value alone; others are hashed by their text. */
const HASHABLE = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'real',
  'double precision',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'time',
  'interval',
  'uuid',
  'bytea',
  'jsonb',
]);
const TEXTUAL = new Set(['text', 'varchar', 'character varying', 'bpchar', 'character', 'char']);

function rowHashes(columns: readonly { name: string; pgType: string }[], encoding: RowEncoding): { text: string; value: string } {
  if (encoding === 'portable') {
    const hash = pgRowHash(columns);
    return { text: hash, value: `('x' || left(${hash}, 15))::bit(60)::bigint` };
  }
  const fields = columns.map((c) => {
    const type = shortTypeName(c.pgType.trim().toLowerCase()).replace(/\(.*\)$/, '');
    const name = quoteIdent(c.name);
    // A column's collation could make equal-looking text hash apart (or together) on one side only.
    if (TEXTUAL.has(type)) return `${name}::text COLLATE "C"`;
    return HASHABLE.has(type) ? name : `${name}::text COLLATE "C"`;
  });
  const value = `hash_record_extended(ROW(${fields.join(', ')}), 0)`;
  return { text: `${value}::text`, value };
}

/**
 * Digests of a PostgreSQL table for reconciliation, computed by the server. `only` (an SQL condition
 * built by the caller from quoted identifiers) and `filter` (a share's compiled row filter, with its
 * parameters) limit them to the rows that belong in the copy.
 */
export function pgDigestSide(
  client: pg.ClientBase,
  table: string,
  key: string,
  columns: readonly { name: string; pgType: string }[],
  options: { only?: string; filter?: { sql: string; params: string[] }; encoding?: RowEncoding } = {},
): DigestSide {
  const k = quoteIdent(key);
  const { only, filter } = options;
  const params = filter?.params ?? [];
  const { text: hash, value } = rowHashes(columns, options.encoding ?? 'portable');
  const where = (lo: bigint | null, hi: bigint | null) => {
    const conditions = [
      ...(lo === null || hi === null ? [] : [`${k} BETWEEN ${lo} AND ${hi}`]),
      ...(only ? [`(${only})`] : []),
      ...(filter ? [`(${filter.sql})`] : []),
    ];
    return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  };
  return {
    async bounds() {
      const { rows } = await client.query<{ lo: string | null; hi: string | null }>(
        `SELECT min(${k})::text AS lo, max(${k})::text AS hi FROM ${quoteTable(table)}${where(null, null)}`,
        params,
      );
      return rows[0]?.lo == null || rows[0].hi == null ? null : { lo: BigInt(rows[0].lo), hi: BigInt(rows[0].hi) };
    },
    async buckets(lo, hi, count) {
      // One slice needs no grouping: comparing equal copies is one plain pass.
      const grouped = lo !== null && hi !== null && count > 1;
      const bucket = grouped ? `((${k} - ${lo}) / ${stepOf(lo, hi, count)})::int` : '0';
      const result = await client.query<{ b: number; n: string; s: string }>(
        `SELECT ${bucket} AS b, count(*) AS n, coalesce(sum(${value}), 0)::text AS s
           FROM ${quoteTable(table)}${where(lo, hi)}${grouped ? ' GROUP BY 1' : ''}`,
        params,
      );
      return new Map<number, RangeDigest>(result.rows.map((r) => [Number(r.b), { rows: Number(r.n), sum: r.s }]));
    },
    async rows(lo, hi) {
      const result = await client.query<{ k: string; h: string }>(`SELECT ${k}::text AS k, ${hash} AS h FROM ${quoteTable(table)}${where(lo, hi)}`, params);
      return new Map(result.rows.map((r) => [r.k, r.h]));
    },
  };
}
