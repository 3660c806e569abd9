import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { BadInputError } from '../../errors/bad-input.ts';
import type { QuerySource, TableSource } from '../../schemas/sources.ts';
import { splitTableRef } from '../../schemas/identifiers.ts';
import type { ColumnInfo, RecordReader, SourceChunk, SourcePosition } from '../source-chunk.ts';
import { parseCopyText } from './copy-text.ts';
import { wholeLines } from '../whole-lines.ts';
import { checkKeyOrder } from './key-order.ts';
import { quoteIdent, quoteTable } from './quote.ts';
import type { KeyRange } from '../../governance/key-ranges.ts';

const FIRST_USER_OID = 16384;

export async function tableColumns(client: pg.Client, source: TableSource, connectionName: string): Promise<{ columns: ColumnInfo[]; primaryKey: string[] }> {
  const { schema, table } = splitTableRef(source.table);
  const exists = await client.query('SELECT to_regclass($1) AS oid', [quoteTable({ schema, table })]);
  if (!exists.rows[0]?.oid) throw new BadInputError(`table ${source.table} does not exist on connection "${connectionName}"`);
  const columns = await client.query<{ name: string; type: string; type_oid: number }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.atttypid::int AS type_oid
       FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [quoteTable({ schema, table })],
  );
  const pk = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [quoteTable({ schema, table })],
  );
  let infos = columns.rows.map((c) => ({ name: c.name, pgType: c.type_oid >= FIRST_USER_OID ? 'text' : c.type }));
  const selected = source.columns === undefined ? undefined : Array.isArray(source.columns) ? source.columns : Object.keys(source.columns);
  if (selected) {
    const byName = new Map(infos.map((c) => [c.name, c]));
    const missing = selected.filter((c) => !byName.has(c));
    if (missing.length) throw new BadInputError(`table ${source.table} has no column(s) ${missing.join(', ')}`);
    infos = selected.map((c) => byName.get(c)!);
  }
  return { columns: infos, primaryKey: pk.rows.map((r) => r.name) };
}

async function queryColumns(client: pg.Client, source: QuerySource): Promise<ColumnInfo[]> {
  let result: pg.QueryResult;
  try {
    result = await client.query(`SELECT * FROM (${source.sql}) AS q LIMIT 0`);
  } catch (error) {
    throw new BadInputError(`source query failed: ${(error as Error).message}`);
  }
  // format_type with each field's type modifier: char(n), varchar(n), numeric(p,s) and bit(n) keep their size.
  const pairs = result.fields.map((f) => [f.dataTypeID, f.dataTypeModifier]);
  const types = await client.query<{ i: number; type: string }>(
    'SELECT t.i::int AS i, format_type((t.j->>0)::oid, (t.j->>1)::int) AS type FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(j, i)',
    [JSON.stringify(pairs)],
  );
  const typeAt = new Map(types.rows.map((t) => [t.i, t.type]));
  return result.fields.map((f, i) => ({ name: f.name, pgType: f.dataTypeID >= FIRST_USER_OID ? 'text' : (typeAt.get(i + 1) ?? 'text') }));
}

/** The planner's row count of a table (statistics, not a count): undefined when it was never analysed. */
async function plannerRowEstimate(client: pg.Client, quotedTable: string): Promise<number | undefined> {
  const result = await client.query<{ n: string }>('SELECT reltuples::bigint AS n FROM pg_class WHERE oid = $1::regclass', [quotedTable]);
  const n = Number(result.rows[0]?.n ?? -1);
  return n > 0 ? n : undefined;
}

/**
 * The changed rows: after the resume point in (cursor, key) order, never `>` on the cursor alone (it
 * loses rows sharing the boundary value) nor `>=` (it repeats them), and only cursors before the bound.
 */
function changedRowsSql(client: pg.Client, select: string, from: string, window: ChangeWindow, start: SourcePosition | undefined): string {
  const cursor = quoteIdent(window.cursor);
  const key = quoteIdent(window.key);
  const resume = start?.lastCursor != null && start.lastKey != null ? { cursor: start.lastCursor, key: start.lastKey } : window.after;
  const after = resume ? ` AND (${cursor}, ${key}) > (${client.escapeLiteral(resume.cursor)}, ${client.escapeLiteral(resume.key)})` : '';
  // As timestamptz: a `timestamp` cursor compares in the session's time zone (the connection's timeZone).
  return `SELECT ${select} FROM ${from} WHERE ${cursor} < ${client.escapeLiteral(window.before)}::timestamptz${after} ORDER BY ${cursor}, ${key}`;
}

/** Each row's (cursor, key) must follow the previous one: a NULL or a repeat would make resuming inexact. */
function checkChangeOrder(
  rows: readonly (string | null)[][],
  cursorIndex: number,
  keyIndex: number,
  window: ChangeWindow,
  last: { cursor: string | null; key: string | null },
): { cursor: string | null; key: string | null } {
  let { cursor, key } = last;
  for (const row of rows) {
    const c = row[cursorIndex] ?? null;
    const k = row[keyIndex] ?? null;
    if (k === null) throw new BadInputError(`key column "${window.key}" has a NULL value: an incremental sync needs a unique, non-null key`);
    if (c === cursor && k === key)
      throw new BadInputError(`(${window.cursor}, ${window.key}) repeats (${c}, ${k}): an incremental sync needs a key unique per cursor value`);
    cursor = c;
    key = k;
  }
  return { cursor, key };
}

/** An incremental read: rows after `after` in (cursor, key) order whose cursor is before `before`. */
export interface ChangeWindow {
  cursor: string;
  key: string;
  /** Where the last sync (or this run's last committed batch) stopped; undefined: from the first row. */
  after?: { cursor: string; key: string };
  /** A timestamp (text) no row of a transaction still in flight can be older than. */
  before: string;
}

/** Which keys a read takes: after the resume point, and inside the range (see planKeyRanges for NULL keys). */
function keyConditions(client: pg.Client, key: string, lastKey: string | null, range: KeyRange | undefined): string[] {
  const conditions: string[] = [];
  if (lastKey !== null) conditions.push(`${key} > ${client.escapeLiteral(lastKey)}`);
  else if (range?.lo != null) conditions.push(`${key} >= ${client.escapeLiteral(range.lo)}`);
  if (range?.hi != null) conditions.push(`${key} < ${client.escapeLiteral(range.hi)}`);
  return conditions;
}

/**
 * Streams a table or query with `COPY (SELECT ...) TO STDOUT`, ordered by its key so a retry can
 * resume after the last committed key. Without a key, a retry starts over. With a change window it
 * reads only the window, ordered by (cursor, key), and resumes after the last (cursor, key) read.
 */
export async function openPgReader(
  client: pg.Client,
  source: TableSource | QuerySource,
  connectionName: string,
  start?: SourcePosition,
  window?: ChangeWindow,
  /** Only the keys in [lo, hi): one range of a source read in parallel. */
  range?: KeyRange,
): Promise<RecordReader & { key?: string }> {
  if (range && window) throw new BadInputError('an incremental sync cannot be read in key ranges');
  let columns: ColumnInfo[];
  let key = window?.key ?? source.key;
  let from: string;
  let estimatedRows: number | undefined;
  if (source.type === 'table') {
    const info = await tableColumns(client, source, connectionName);
    columns = info.columns;
    if (!key && info.primaryKey.length === 1) key = info.primaryKey[0];
    from = quoteTable(source.table);
    estimatedRows = range ? undefined : await plannerRowEstimate(client, from);
  } else {
    columns = await queryColumns(client, source);
    from = `(${source.sql}) AS q`;
  }
  const keyIndex = key ? columns.findIndex((c) => c.name === key) : -1;
  if (key && keyIndex === -1) throw new BadInputError(`key column "${key}" is not among the source columns (${columns.map((c) => c.name).join(', ')})`);
  const select = columns.map((c) => quoteIdent(c.name)).join(', ');
  const cursorIndex = window ? columns.findIndex((c) => c.name === window.cursor) : -1;
  let sql: string;
  if (window) {
    if (cursorIndex === -1)
      throw new BadInputError(`cursor column "${window.cursor}" is not among the source columns (${columns.map((c) => c.name).join(', ')})`);
    const cursorType = columns[cursorIndex]!.pgType;
    if (!/^(timestamp|date)/.test(cursorType)) {
      throw new BadInputError(
        `cursor column "${window.cursor}" is ${cursorType}: an incremental sync needs a timestamp the source sets on every change (the lag is a time)`,
      );
    }
    sql = `COPY (${changedRowsSql(client, select, from, window, start)}) TO STDOUT`;
  } else {
    if (range && !key) throw new BadInputError('a source read in key ranges needs a key: set source.key');
    const where = key ? keyConditions(client, quoteIdent(key), start?.lastKey ?? null, range) : [];
    const order = key ? ` ORDER BY ${quoteIdent(key)}` : '';
    sql = `COPY (SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}${order}) TO STDOUT`;
  }
  let stream: ReturnType<typeof copyTo> | undefined;

  async function* chunks(): AsyncGenerator<SourceChunk> {
    stream = client.query(copyTo(sql));
    let lastKey = start?.lastKey ?? window?.after?.key ?? null;
    let lastCursor = start?.lastCursor ?? window?.after?.cursor ?? null;
    const decoder = new TextDecoder('utf-8');
    for await (const payload of wholeLines(stream as AsyncIterable<Buffer>)) {
      const end = payload.length;
      const lines: string[] = [];
      const rows = parseCopyText(decoder.decode(payload), lines);
      if (window) {
        const last = checkChangeOrder(rows, cursorIndex, keyIndex, window, { cursor: lastCursor, key: lastKey });
        lastCursor = last.cursor;
        lastKey = last.key;
        yield { rows, lines, payload, bytes: end, end: { lastKey, lastCursor } };
        continue;
      }
      if (keyIndex >= 0) lastKey = checkKeyOrder(rows, keyIndex, key!, lastKey);
      yield { rows, lines, payload, bytes: end, end: { lastKey } };
    }
  }

  return {
    columns,
    key,
    estimatedRows,
    copyOptions: 'FORMAT text',
    chunks,
    async close() {
      stream?.destroy();
    },
  };
}
