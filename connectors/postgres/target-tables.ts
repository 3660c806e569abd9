import type pg from 'pg';
import { CopyIn } from './copy-in.ts';
import { quoteIdent, quoteTable } from './quote.ts';
import { shortTypeName } from '../../governance/storage-type.ts';
import { rangeCondition, type TargetColumn, type TargetRef, type TargetTables } from '../target-tables.ts';
import { pgDigestSide, RECORD_HASH_SINCE, type RowEncoding } from './row-digests.ts';

const ref$ = (ref: TargetRef) => quoteTable({ schema: ref.schema ?? 'public', table: ref.table });

/** A department's PostgreSQL database as a distribution target: rows by COPY, swaps by rename in one transaction. */
export function postgresTargetTables(client: pg.Client, version: number): TargetTables {
  const rowEncoding: RowEncoding = version >= RECORD_HASH_SINCE ? 'postgres' : 'portable';
  let copy: CopyIn | undefined;
  const finish = async () => {
    const open = copy;
    copy = undefined;
    await open?.finish();
  };
  return {
    kind: 'postgres',
    rowEncoding,
    label: (ref) => `${ref.schema ?? 'public'}.${ref.table}`,
    async columnsOf(ref) {
      const exists = await client.query('SELECT to_regclass($1) AS oid', [ref$(ref)]);
      if (!exists.rows[0]?.oid) return undefined;
      const result = await client.query<{ name: string; type: string }>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [ref$(ref)],
      );
      return result.rows.map((r) => ({ name: r.name, type: shortTypeName(r.type) }));
    },
    async create(ref, columns: TargetColumn[], key) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ref.schema ?? 'public')}`);
      await client.query(`DROP TABLE IF EXISTS ${ref$(ref)}`);
      const defs = columns.map((c) => `${quoteIdent(c.name)} ${c.type}${c.name === key ? ' NOT NULL' : ''}`);
      await client.query(`CREATE TABLE ${ref$(ref)} (${defs.join(', ')}, PRIMARY KEY (${quoteIdent(key)}))`);
    },
    drop: async (ref) => void (await client.query(`DROP TABLE IF EXISTS ${ref$(ref)}`)),
    begin: async () => void (await client.query('BEGIN')),
    async commit() {
      await finish();
      await client.query('COMMIT');
    },
    async rollback() {
      copy?.abort('distribution batch failed');
      copy = undefined;
      await client.query('ROLLBACK').catch(() => undefined);
    },
    async lockAndLastKey(ref, key, range) {
      const k = quoteIdent(key);
      // Attempts of one range exclude each other; ranges write side by side.
      if (range) await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${ref$(ref)}#${range.lo ?? ''}`]);
      else await client.query(`LOCK TABLE ${ref$(ref)} IN SHARE ROW EXCLUSIVE MODE`);
      const result = await client.query<{ k: string | null }>(`SELECT max(${k})::text AS k FROM ${ref$(ref)} WHERE ${rangeCondition(k, range)}`);
      return result.rows[0]?.k ?? null;
    },
    async deleteAfter(ref, key, lastKey, range) {
      const k = quoteIdent(key);
      const within = rangeCondition(k, range);
      const result =
        lastKey === null
          ? await client.query(`DELETE FROM ${ref$(ref)} WHERE ${within}`)
          : await client.query(`DELETE FROM ${ref$(ref)} WHERE ${k} > $1 AND ${within}`, [lastKey]);
      return result.rowCount ?? 0;
    },
    async write(ref, columns, payload) {
      copy ??= new CopyIn(client, `COPY ${ref$(ref)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`);
      await copy.write(payload);
    },
    endStream: finish,
    async count(ref) {
      return Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ref$(ref)}`)).rows[0]!.n);
    },
    digests: (ref, key, columns, encoding) =>
      pgDigestSide(
        client,
        `${ref.schema ?? 'public'}.${ref.table}`,
        key,
        columns.map((c) => ({ name: c.name, pgType: c.type })),
        { encoding: encoding ?? rowEncoding },
      ),
    async createTemp(name, like, columns) {
      // Joined by a hash on the key once analysed: no index to build.
      await client.query(`DROP TABLE IF EXISTS pg_temp.${quoteIdent(name)}`);
      await client.query(
        `CREATE TEMP TABLE ${quoteIdent(name)} ON COMMIT DROP AS SELECT ${columns.map(quoteIdent).join(', ')} FROM ${ref$(like)} WITH NO DATA`,
      );
      return { schema: 'pg_temp', table: name };
    },
    async upsert(from, into, columns, key, deletedFlag) {
      const k = quoteIdent(key);
      await client.query(`ANALYZE ${ref$(from)}`);
      let deleted = 0;
      if (deletedFlag) {
        const flag = quoteIdent(deletedFlag);
        deleted = (await client.query(`DELETE FROM ${ref$(into)} t USING ${ref$(from)} f WHERE t.${k} = f.${k} AND f.${flag}`)).rowCount ?? 0;
      }
      const names = columns.map(quoteIdent);
      const set = names.filter((c) => c !== k);
      const live = deletedFlag ? ` WHERE NOT coalesce(f.${quoteIdent(deletedFlag)}, false)` : '';
      const update = set.length
        ? `DO UPDATE SET ${set.map((c) => `${c} = EXCLUDED.${c}`).join(', ')} WHERE (${set.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${set.map((c) => `EXCLUDED.${c}`).join(', ')})`
        : 'DO NOTHING';
      await client.query(
        `INSERT INTO ${ref$(into)} AS t (${names.join(', ')}) SELECT ${names.map((c) => `f.${c}`).join(', ')} FROM ${ref$(from)} f${live} ON CONFLICT (${k}) ${update}`,
      );
      // Every live row of the delta, whether inserted, updated, or found equal (as MariaDB can only count them).
      const counted = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ref$(from)} f${live}`);
      return { upserted: Number(counted.rows[0]!.n), deleted };
    },
    async deleteMissing(into, keys, key) {
      const k = quoteIdent(key);
      await client.query(`ANALYZE ${ref$(keys)}`);
      const result = await client.query(`DELETE FROM ${ref$(into)} t WHERE NOT EXISTS (SELECT 1 FROM ${ref$(keys)} s WHERE s.${k} = t.${k})`);
      return result.rowCount ?? 0;
    },
    async swap(shadow, target) {
      await client.query('BEGIN');
      try {
        await client.query(`DROP TABLE IF EXISTS ${ref$(target)}`);
        await client.query(`ALTER TABLE ${ref$(shadow)} RENAME TO ${quoteIdent(target.table)}`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    close: () => client.end().catch(() => undefined),
  };
}
