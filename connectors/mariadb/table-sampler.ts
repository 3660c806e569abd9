import type { RowDataPacket } from 'mysql2/promise';
import { byColumn, SAMPLED_VALUE_CHARS, type SampledTable, type TableSampler } from '../table-sampler.ts';
import type { MariadbSession } from './connect.ts';
import { quoteMysqlIdent, quoteMysqlTable } from './load-data.ts';

/** Error codes that skip one table: no privilege, dropped since it was listed, locked, or the statement ran out of time. */
const SKIP: Record<string, string> = {
  ER_TABLEACCESS_DENIED_ERROR: 'permission denied',
  ER_COLUMNACCESS_DENIED_ERROR: 'permission denied',
  ER_NO_SUCH_TABLE: 'dropped while the scan ran',
  ER_LOCK_WAIT_TIMEOUT: 'locked by another session',
  ER_STATEMENT_TIMEOUT: 'sampling took too long',
  ER_QUERY_TIMEOUT: 'sampling took too long',
};

const TEXT_TYPES = ['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'bigint', 'decimal'];

/**
 * A MySQL / MariaDB database's tables (the connection's database, or every non-system database when
 * its URL names none), each sampled with a LIMIT: InnoDB reads the first rows in primary-key order,
 * as MariaDB has no cheap random sample.
 */
export function mariadbTableSampler(session: MariadbSession): TableSampler {
  const db = session.connection;
  return {
    kind: 'mysql',
    async tables() {
      const [rows] = await db.query<RowDataPacket[]>(
        `SELECT c.TABLE_SCHEMA AS s, c.TABLE_NAME AS t, c.COLUMN_NAME AS col, t.TABLE_ROWS AS est
           FROM information_schema.COLUMNS c
           JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
          WHERE t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')
            AND c.DATA_TYPE IN (?)
            AND (DATABASE() IS NULL OR c.TABLE_SCHEMA = DATABASE())
          ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION`,
        [TEXT_TYPES],
      );
      const tables: SampledTable[] = [];
      for (const r of rows) {
        const last = tables.at(-1);
        if (last && last.schema === String(r.s) && last.table === String(r.t)) last.columns.push(String(r.col));
        else tables.push({ schema: String(r.s), table: String(r.t), columns: [String(r.col)], estimatedRows: r.est === null ? null : Number(r.est) });
      }
      return tables;
    },
    async sample(table: SampledTable, limit: number) {
      const select = table.columns.map((c) => `LEFT(CAST(${quoteMysqlIdent(c)} AS CHAR), ${SAMPLED_VALUE_CHARS})`).join(', ');
      const [rows] = await db.query({
        sql: `SELECT ${select} FROM ${quoteMysqlTable({ database: table.schema, table: table.table })} LIMIT ${limit}`,
        rowsAsArray: true,
      });
      return byColumn(rows as unknown[][], table.columns.length);
    },
    skipReason(error) {
      return SKIP[(error as { code?: string }).code ?? ''];
    },
    close: () => session.close(),
  };
}
