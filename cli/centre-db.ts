import type { Knex } from 'knex';
import { loadConfig } from '../config/load-config.ts';
import { describeUrl } from '../config/redact.ts';
import { assertDatabaseReachable } from '../db/ensure-database.ts';
import { centreDb, closeAllDbs } from '../db/knex.ts';

/** PostgreSQL codes meaning the `dataops` schema or one of its tables is not there yet. */
const NOT_MIGRATED = new Set(['3F000', '42P01']);

/**
 * How every command reaches the centre database: an unreachable server or a missing database is one
 * line (the address, passwords redacted, and how to start it), as `migrate` reports it, rather than a
 * driver stack trace after knex's retries; a database never migrated says so. Pools close afterwards.
 */
export async function withCentreDb<T>(body: (db: Knex, databaseUrl: string) => Promise<T>): Promise<T> {
  const { databaseUrl } = loadConfig();
  await assertDatabaseReachable(databaseUrl);
  try {
    return await body(centreDb(databaseUrl), databaseUrl);
  } catch (error) {
    if (NOT_MIGRATED.has((error as { code?: string }).code ?? '')) {
      throw new Error(`the database at ${describeUrl(databaseUrl)} has no dataops schema yet; create it with: dataops migrate`);
    }
    throw error;
  } finally {
    await closeAllDbs();
  }
}
