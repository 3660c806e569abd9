import type { Connection, RowDataPacket } from 'mysql2/promise';
import { quoteMysqlIdent, quoteMysqlTable } from './load-data.ts';
import { stepOf, type DigestSide, type RangeDigest } from '../../governance/reconciliation.ts';

/** A row's hash over its canonical fields, as PostgreSQL's pgRowHash encodes the same row. */
export function mariadbRowHash(columns: readonly string[]): string {
  // DATETIME(6) and TIME(6) print six fraction digits, DECIMAL its declared scale, BOOLEAN 0/1, JSON its text.
  const fields = columns.map((name) => `COALESCE(CAST(${quoteMysqlIdent(name)} AS CHAR), CHAR(30 USING utf8mb4))`);
  return `MD5(CONCAT_WS(CHAR(31 USING utf8mb4), ${fields.join(', ')}))`;
}

/** Digests of a MySQL / MariaDB table for reconciliation, computed by the server. */
export function mariadbDigestSide(db: Connection, ref: { database?: string; table: string }, key: string, columns: readonly string[]): DigestSide {
  const k = quoteMysqlIdent(key);
  const hash = mariadbRowHash(columns);
  const table = quoteMysqlTable(ref);
  const where = (lo: bigint | null, hi: bigint | null) => (lo === null || hi === null ? '' : ` WHERE ${k} BETWEEN ${lo} AND ${hi}`);
  return {
    async bounds() {
      const [rows] = await db.query<RowDataPacket[]>(`SELECT CAST(MIN(${k}) AS CHAR) AS lo, CAST(MAX(${k}) AS CHAR) AS hi FROM ${table}`);
      return rows[0]?.lo == null || rows[0].hi == null ? null : { lo: BigInt(rows[0].lo), hi: BigInt(rows[0].hi) };
    },
    async buckets(lo, hi, count) {
      const grouped = lo !== null && hi !== null && count > 1;
      const bucket = grouped ? `(${k} - ${lo}) DIV ${stepOf(lo, hi, count)}` : '0';
      const [rows] = await db.query<RowDataPacket[]>(
        `SELECT ${bucket} AS b, COUNT(*) AS n, CAST(COALESCE(SUM(CAST(CONV(LEFT(${hash}, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR) AS s
           FROM ${table}${where(lo, hi)}${grouped ? ' GROUP BY 1' : ''}`,
      );
      return new Map<number, RangeDigest>(rows.map((r) => [Number(r.b), { rows: Number(r.n), sum: String(r.s) }]));
    },
    async rows(lo, hi) {
      const [rows] = await db.query<RowDataPacket[]>(`SELECT CAST(${k} AS CHAR) AS k, ${hash} AS h FROM ${table}${where(lo, hi)}`);
      return new Map(rows.map((r) => [String(r.k), String(r.h)]));
    },
  };
}
