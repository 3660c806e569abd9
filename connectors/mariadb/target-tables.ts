import type { RowDataPacket } from 'mysql2/promise';
import { createHash } from 'node:crypto';
import { rangeCondition, type TargetColumn, type TargetRef, type TargetTables } from '../target-tables.ts';
import type { MariadbSession } from './connect.ts';
import { loadCopyText, quoteMysqlIdent, quoteMysqlTable } from './load-data.ts';
import { mariadbDigestSide } from './row-digests.ts';

const ref$ = (ref: TargetRef) => quoteMysqlTable({ database: ref.schema, table: ref.table });

/** A department's MySQL / MariaDB database as a distribution target: rows by LOAD DATA, swaps by one RENAME TABLE. */
export function mariadbTargetTables(session: MariadbSession): TargetTables {
  const db = session.connection;
  let rangeLock: string | undefined;
  const releaseRangeLock = async () => {
    if (!rangeLock) return;
    const name = rangeLock;
    rangeLock = undefined;
    await db.query('SELECT RELEASE_LOCK(?)', [name]);
  };
  return {
    kind: 'mysql',
    rowEncoding: 'portable',
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
    async commit() {
      await db.query('COMMIT');
      await releaseRangeLock();
    },
    async rollback() {
      await db.query('ROLLBACK').catch(() => undefined);
      await releaseRangeLock().catch(() => undefined);
    },
    async lockAndLastKey(ref, key, range) {
      const k = quoteMysqlIdent(key);
      if (!range) {
        // The last row and the gap after it stay locked until the commit: another writer's rows wait.
        const [rows] = await db.query<RowDataPacket[]>(`SELECT CAST(${k} AS CHAR) AS k FROM ${ref$(ref)} ORDER BY ${k} DESC LIMIT 1 FOR UPDATE`);
        return rows.length ? String(rows[0]!.k) : null;
      }
      // A named lock per range, held until the commit: row and gap locks would also stop the next range's writer.
      const name = `dataops_${createHash('sha1')
        .update(`${ref$(ref)}#${range.lo ?? ''}`)
        .digest('hex')}`;
      const [locked] = await db.query<RowDataPacket[]>('SELECT GET_LOCK(?, 600) AS ok', [name]);
      if (Number(locked[0]!.ok) !== 1) throw new Error(`could not lock key range ${range.lo ?? '-∞'}..${range.hi ?? '∞'} of ${ref$(ref)} within 10 minutes`);
      rangeLock = name;
      const [rows] = await db.query<RowDataPacket[]>(`SELECT CAST(MAX(${k}) AS CHAR) AS k FROM ${ref$(ref)} WHERE ${rangeCondition(k, range)}`);
      return rows[0]?.k == null ? null : String(rows[0].k);
    },
    async deleteAfter(ref, key, lastKey, range) {
      const k = quoteMysqlIdent(key);
      const within = rangeCondition(k, range);
      const [result] =
        lastKey === null
          ? await db.query(`DELETE FROM ${ref$(ref)} WHERE ${within}`)
          : await db.query(`DELETE FROM ${ref$(ref)} WHERE ${k} > ? AND ${within}`, [lastKey]);
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
    async createTemp(name, like, columns, key) {
      const temp = { schema: like.schema, table: name };
      // A temporary table does not end the open transaction, as other DDL would; it lives until the session ends.
      await db.query(`DROP TEMPORARY TABLE IF EXISTS ${ref$(temp)}`);
      await db.query(
        `CREATE TEMPORARY TABLE ${ref$(temp)} (PRIMARY KEY (${quoteMysqlIdent(key)})) SELECT ${columns.map(quoteMysqlIdent).join(', ')} FROM ${ref$(like)} LIMIT 0`,
      );
      return temp;
    },
    async upsert(from, into, columns, key, deletedFlag) {
      const k = quoteMysqlIdent(key);
      let deleted = 0;
      if (deletedFlag) {
        const [result] = await db.query(`DELETE t FROM ${ref$(into)} t JOIN ${ref$(from)} f ON t.${k} = f.${k} WHERE f.${quoteMysqlIdent(deletedFlag)}`);
        deleted = (result as { affectedRows: number }).affectedRows;
      }
      const names = columns.map(quoteMysqlIdent);
      const set = names.filter((c) => c !== k);
      const live = deletedFlag ? ` WHERE NOT COALESCE(f.${quoteMysqlIdent(deletedFlag)}, 0)` : '';
      const update = set.length ? set.map((c) => `${c} = VALUES(${c})`).join(', ') : `${k} = ${k}`;
      await db.query(
        `INSERT INTO ${ref$(into)} (${names.join(', ')}) SELECT ${names.map((c) => `f.${c}`).join(', ')} FROM ${ref$(from)} f${live} ON DUPLICATE KEY UPDATE ${update}`,
      );
      // affectedRows counts an updated row twice and an equal one not at all: count the delta's live rows instead.
      const [rows] = await db.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${ref$(from)} f${live}`);
      return { upserted: Number(rows[0]!.n), deleted };
    },
    async deleteMissing(into, keys, key) {
      const k = quoteMysqlIdent(key);
      const [result] = await db.query(`DELETE t FROM ${ref$(into)} t LEFT JOIN ${ref$(keys)} s ON s.${k} = t.${k} WHERE s.${k} IS NULL`);
      return (result as { affectedRows: number }).affectedRows;
    },
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
