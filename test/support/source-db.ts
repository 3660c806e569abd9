import pg from 'pg';
import { TEST_SOURCE_DATABASE_URL } from './urls.ts';

/** Runs SQL on the database that plays a department's source system. */
export async function withSourceDb<T>(body: (client: pg.Client) => Promise<T>, url = TEST_SOURCE_DATABASE_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

export async function tableDigest(url: string, table: string, key: string): Promise<{ rows: number; digest: string }> {
  return withSourceDb(async (client) => {
    const result = await client.query(`SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t.${key}), '')) AS digest FROM ${table} t`);
    return result.rows[0] as { rows: number; digest: string };
  }, url);
}
