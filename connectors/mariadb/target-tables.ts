import type { RowDataPacket } from 'mysql2/promise';
import type { TargetColumn, TargetRef, TargetTables } from '../target-tables.ts';
import type { MariadbSession } from './connect.ts';
import { loadCopyText, quoteMysqlIdent, quoteMysqlTable } from './load-data.ts';
import { mariadbDigestSide } from './row-digests.ts';

const ref$ = (ref: TargetRef) => quoteMysqlTable({ database: ref.schema, table: ref.table });

/** A department's MySQL / MariaDB database as a distribution target: rows by LOAD DATA, swaps by one RENAME TABLE. */
export function mariadbTargetTables(session: MariadbSession): TargetTables {
  const db = session.connection;
  return {
    kind: 'mysql',
    label: (ref) => (ref.schema ? `${ref.schema}.${ref.table}` : ref.table),
    async columnsOf(ref) {
      const [rows] = await db.query<RowDataPacket[]>(
        `SELECT COLUMN_NAME AS name, UPPER(COLUMN_TYPE) AS type FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
        [ref.schema ?? null, ref.table],
      );
      return rows.length ? rows.map((r) => ({ name: String(r.name), type: String(r.type) })) : undefined;
    },
    async create(ref, columns: TargetColumn[], key) {
      await db.query(`DROP TABLE IF EXISTS ${ref$(ref)}`);
      const defs = columns.map((c) => `${quoteMysqlIdent(c.name)} ${c.type}${c.name === key ? ' NOT NULL' : ''}`);
      await db.query(
        `CREATE TABLE ${ref$(ref)} (${defs.join(', ')}, PRIMARY KEY (${quoteMysqlIdent(key)})) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
      );
    },
    drop: async (ref) => void (await db.query(`DROP TABLE IF EXISTS ${ref$(ref)}`)),
    begin: async () => void (await db.query('BEGIN')),
    commit: async () => void (await db.query('COMMIT')),
    rollback: async () => void (await db.query('ROLLBACK').catch(() => undefined)),
    async lockAndLastKey(ref, key) {
      // The last row and the gap after it stay locked until the commit: another writer's rows wait.
      const [rows] = await db.query<RowDataPacket[]>(
        `SELECT CAST(${quoteMysqlIdent(key)} AS CHAR) AS k FROM ${ref$(ref)} ORDER BY ${quoteMysqlIdent(key)} DESC LIMIT 1 FOR UPDATE`,
      );
      return rows.length ? String(rows[0]!.k) : null;
    },
    async deleteAfter(ref, key, lastKey) {
      const [result] =
        lastKey === null ? await db.query(`DELETE FROM ${ref$(ref)}`) : await db.query(`DELETE FROM ${ref$(ref)} WHERE ${quoteMysqlIdent(key)} > ?`, [lastKey]);
      return (result as { affectedRows: number }).affectedRows;
    },
    async write(ref, columns, payload) {
      await loadCopyText(session, { database: ref.schema, table: ref.table }, columns, payload);
    },
    endStream: async () => undefined,
    async count(ref) {
      const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${ref$(ref)}`);
      return Number(rows[0]!.n);
    },
    digests: (ref, key, columns) =>
      mariadbDigestSide(
        db,
        { database: ref.schema, table: ref.table },
        key,
        columns.map((c) => c.name),
      ),
    async swap(shadow, target) {
      const old = { schema: target.schema, table: `${target.table.slice(0, 50)}__dataops_old` };
      await db.query(`DROP TABLE IF EXISTS ${ref$(old)}`);
      const exists = await this.columnsOf(target);
      // One RENAME TABLE statement is atomic: readers see the old table or the new one.
      if (exists) await db.query(`RENAME TABLE ${ref$(target)} TO ${ref$(old)}, ${ref$(shadow)} TO ${ref$(target)}`);
      else await db.query(`RENAME TABLE ${ref$(shadow)} TO ${ref$(target)}`);
      await db.query(`DROP TABLE IF EXISTS ${ref$(old)}`);
    },
    close: () => session.close(),
  };
}
