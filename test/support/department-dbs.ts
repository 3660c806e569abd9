import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Connection } from 'mysql2/promise';
import { quoteMysqlIdent } from '../../connectors/mariadb/load-data.ts';
import { TEST_MARIADB_DATABASE, TEST_MARIADB_SERVER_URL, TEST_MARIADB_URL } from './urls.ts';

/**
 * Department connections as an operator configures them: a config file (DATAOPS_CONFIG) naming them
 * with the level each may receive unmasked, their URLs in environment variables (set here). Call at
 * module level, before the test environment loads the config. Returns the config's folder.
 */
export function useTestConfig(name: string, yaml: string, urls: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `dataops-${name}-`));
  writeFileSync(join(dir, 'dataops.config.yaml'), yaml);
  process.env.DATAOPS_CONFIG = join(dir, 'dataops.config.yaml');
  for (const [variable, url] of Object.entries(urls)) process.env[variable] = url;
  return dir;
}

/** Creates the test run's MariaDB database (utf8mb4, binary collation) if missing. */
export async function ensureDepartmentMariadb(): Promise<void> {
  const server = await createConnection({ uri: TEST_MARIADB_SERVER_URL });
  try {
    await server.query(`CREATE DATABASE IF NOT EXISTS ${quoteMysqlIdent(TEST_MARIADB_DATABASE)} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  } finally {
    await server.end();
  }
}

/** The department's MariaDB, reading big numbers and dates back as text, as the assertions compare them. */
export async function openDepartmentMariadb(): Promise<Connection> {
  await ensureDepartmentMariadb();
  return createConnection({ uri: TEST_MARIADB_URL, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
}
