import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { createConnection } from 'mysql2/promise';
import { connectMariadb, type MariadbSession } from '../../connectors/mariadb/connect.ts';
import { loadCopyText, quoteMysqlIdent } from '../../connectors/mariadb/load-data.ts';
import { mariadbMappings } from '../../connectors/mariadb/type-mapping.ts';
import { TEST_MARIADB_DATABASE, TEST_MARIADB_SERVER_URL, TEST_MARIADB_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { VALUE_TEXT_SETTINGS } from '../../activities/staging/open-source.ts';
import { BadInputError } from '../../errors/bad-input.ts';

// The MariaDB half of table distribution: PostgreSQL values, selected through the type mapping and
// copied as COPY text, arrive in MariaDB as they were, edge values included.
let source: pg.Client;
let target: MariadbSession;

beforeAll(async () => {
  const server = await createConnection({ uri: TEST_MARIADB_SERVER_URL });
  await server.query(`DROP DATABASE IF EXISTS ${quoteMysqlIdent(TEST_MARIADB_DATABASE)}`);
  await server.query(`CREATE DATABASE ${quoteMysqlIdent(TEST_MARIADB_DATABASE)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await server.end();
  source = new pg.Client({ connectionString: TEST_SOURCE_DATABASE_URL });
  await source.connect();
  await source.query(`${VALUE_TEXT_SETTINGS}; SET TimeZone = 'Asia/Shanghai'`);
  target = await connectMariadb(TEST_MARIADB_URL, 'test MariaDB');
});
afterAll(async () => {
  await source?.end();
  await target?.close();
});

async function copyOut(sql: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source.query(copyTo(`COPY (${sql}) TO STDOUT`))) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('PostgreSQL rows into MariaDB through LOAD DATA', () => {
  it('keeps text with tabs, newlines, backslashes and control characters, big integers, decimals at their scale, UTC microseconds, booleans, JSON and arrays', async () => {
    await source.query('DROP TABLE IF EXISTS public.md_people');
    await source.query(`CREATE TABLE public.md_people (
      id bigint PRIMARY KEY, 姓名 text, code varchar(18), amount numeric(20,6), ratio double precision, active boolean,
      born date, seen timestamp, signed_at timestamptz, attrs jsonb, tags text[], scores integer[])`);
    await source.query(`INSERT INTO public.md_people VALUES
      (9223372036854775807, E'张三\\t丰\\n第二行 \\\\ 反斜杠 \\f 换页 \\x0b', '31011219900101123X', 12345678901234.500000, 0.1, true,
       '1990-03-01', '2026-12-01 02:00:00.123456', '2026-12-01 02:00:00.654321+08', '{"街道": "莘庄镇", "n": 1.50}', ARRAY['a"b', 'c,d', NULL], ARRAY[1, 2]),
      (-9223372036854775808, '', NULL, -0.000001, -1e-300, false, '0001-01-01', NULL, '1970-01-01 00:00:00+00', 'null', '{}', NULL),
      (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`);
    const columns = (
      await source.query<{ name: string; type: string }>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'public.md_people'::regclass AND attnum > 0 ORDER BY attnum`,
      )
    ).rows;
    const { mappings, problems } = mariadbMappings(columns.map((c) => ({ name: c.name, pgType: c.type })));
    expect(problems).toEqual([]);
    await target.connection.query('DROP TABLE IF EXISTS md_people');
    await target.connection.query(
      `CREATE TABLE md_people (${columns.map((c, i) => `${quoteMysqlIdent(c.name)} ${mappings[i]!.type}`).join(', ')}, PRIMARY KEY (id))`,
    );
    const payload = await copyOut(`SELECT ${mappings.map((m) => m.select).join(', ')} FROM public.md_people ORDER BY id`);
    expect(
      await loadCopyText(
        target,
        { table: 'md_people' },
        columns.map((c) => c.name),
        payload,
      ),
    ).toBe(3);

    // JSON columns as the text MariaDB stored (mysql2 would parse them, losing 1.50's trailing zero).
    const [rows] = await target.connection.query<Record<string, unknown>[] & import('mysql2').RowDataPacket[]>(
      'SELECT id, 姓名, code, amount, ratio, active, born, seen, signed_at, CAST(attrs AS CHAR) AS attrs, CAST(tags AS CHAR) AS tags, CAST(scores AS CHAR) AS scores FROM md_people ORDER BY id',
    );
    expect(rows[2]).toEqual({
      id: '9223372036854775807',
      姓名: '张三\t丰\n第二行 \\ 反斜杠 \f 换页 \v',
      code: '31011219900101123X',
      amount: '12345678901234.500000',
      ratio: 0.1,
      active: 1,
      born: '1990-03-01',
      seen: '2026-12-01 02:00:00.123456',
      signed_at: '2026-11-30 18:00:00.654321',
      attrs: '{"n": 1.50, "街道": "莘庄镇"}',
      tags: '["a\\"b", "c,d", null]',
      scores: '[1, 2]',
    });
    expect(rows[0]).toMatchObject({ id: '-9223372036854775808', 姓名: '', code: null, amount: '-0.000001', ratio: -1e-300, active: 0, born: '0001-01-01' });
    expect(rows[0]).toMatchObject({ seen: null, signed_at: '1970-01-01 00:00:00.000000', attrs: 'null', tags: '[]', scores: null });
    expect(
      Object.values(rows[1]!)
        .slice(1)
        .every((v) => v === null),
    ).toBe(true);
  });

  it('refuses a value MariaDB would change instead of loading it changed', async () => {
    await target.connection.query('DROP TABLE IF EXISTS md_narrow');
    await target.connection.query('CREATE TABLE md_narrow (id INT, born DATETIME(6))');
    // LOAD DATA LOCAL turns data errors into warnings and loads the adjusted row: the caller's
    // transaction rolls it back when loadCopyText refuses.
    await target.connection.query('BEGIN');
    const load = loadCopyText(target, { table: 'md_narrow' }, ['id', 'born'], Buffer.from('1\tinfinity\n'));
    await expect(load).rejects.toThrow(/1 value\(s\) would not arrive as they are: Data truncated for column 'born' at row 1/);
    await target.connection.query('ROLLBACK');
    await target.connection.query('BEGIN');
    const narrow = loadCopyText(target, { table: 'md_narrow' }, ['id', 'born'], Buffer.from('99999999999\t2026-01-01 00:00:00\n'));
    await expect(narrow).rejects.toThrow(/Out of range value/);
    await expect(narrow).rejects.toBeInstanceOf(BadInputError);
    await target.connection.query('ROLLBACK');
    const [counted] = (await target.connection.query('SELECT count(*) AS n FROM md_narrow')) as unknown as [{ n: number }[]];
    expect(Number(counted[0]?.n)).toBe(0);
  });

  it('names a missing database as bad input, with the password hidden', async () => {
    const missing = TEST_MARIADB_URL.replace(/\/[^/]*$/, '/dataops_no_such_db').replace('root@', 'root:hunter2@');
    const error = await connectMariadb(missing, 'department "civil_affairs"').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error).toBeDefined();
    expect(error!.message).not.toContain('hunter2');
    expect(error!.message).toMatch(/department "civil_affairs"/);
  });
});
