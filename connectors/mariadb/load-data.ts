import { Readable } from 'node:stream';
import type { ResultSetHeader } from 'mysql2/promise';
import { BadInputError } from '../../errors/bad-input.ts';
import type { MariadbSession } from './connect.ts';

/** `name` as a MySQL identifier: in backticks, a backtick doubled. */
export function quoteMysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

export function quoteMysqlTable(ref: { database?: string; table: string }): string {
  return ref.database ? `${quoteMysqlIdent(ref.database)}.${quoteMysqlIdent(ref.table)}` : quoteMysqlIdent(ref.table);
}

const BACKSLASH = 0x5c;

/**
 * PostgreSQL's COPY text and MariaDB's LOAD DATA defaults are the same format (tab between fields, `\N`
 * for NULL, backslash escapes), except that COPY also writes form feed and vertical tab as `\f` and
 * `\v`, which LOAD DATA reads as plain `f` and `v`. Those two become their bytes; the rest is passed on.
 */
export function copyTextForLoadData(payload: Buffer): Buffer {
  if (payload.indexOf('\\f') === -1 && payload.indexOf('\\v') === -1) return payload;
  const out = Buffer.allocUnsafe(payload.length);
  let o = 0;
  for (let i = 0; i < payload.length; i++) {
    const b = payload[i]!;
    if (b === BACKSLASH && i + 1 < payload.length) {
      const next = payload[i + 1]!;
      if (next === 0x66 /* f */ || next === 0x76 /* v */) {
        out[o++] = next === 0x66 ? 0x0c : 0x0b;
      } else {
        out[o++] = b;
        out[o++] = next;
      }
      i++;
      continue;
    }
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/**
 * Loads rows of PostgreSQL COPY text into a MariaDB table with `LOAD DATA LOCAL INFILE` from memory.
 * Strict mode turns a value that does not fit into an error; a load that still produced warnings (a
 * value truncated or adjusted) is refused with them, so nothing arrives changed without a word.
 */
export async function loadCopyText(
  session: MariadbSession,
  table: { database?: string; table: string },
  columns: readonly string[],
  payload: Buffer,
): Promise<number> {
  if (!payload.length) return 0;
  session.nextInfile(Readable.from([copyTextForLoadData(payload)]));
  const sql =
    `LOAD DATA LOCAL INFILE 'dataops-rows' INTO TABLE ${quoteMysqlTable(table)} CHARACTER SET utf8mb4 ` +
    `FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns.map(quoteMysqlIdent).join(', ')})`;
  const [result] = await session.connection.query<ResultSetHeader>(sql);
  if (result.warningStatus > 0) {
    const [warnings] = await session.connection.query<(ResultSetHeader & { Message: string })[]>('SHOW WARNINGS LIMIT 5');
    const messages = (warnings as unknown as { Message: string }[]).map((w) => w.Message).join('; ');
    throw new BadInputError(`loading into ${table.table}: ${result.warningStatus} value(s) would not arrive as they are: ${messages}`);
  }
  return result.affectedRows;
}
