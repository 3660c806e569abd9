import type pg from 'pg';

/** The server's version as a number (150020 for 15.20), for features that depend on it. */
export async function serverVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  return Number(rows[0]!.v);
}
