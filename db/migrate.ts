import { centreDb, METRICS_SCHEMA } from './knex.ts';
import { ensureDatabase } from './ensure-database.ts';

/** Creates the database if needed and brings the `dataops` schema to the latest migration. */
export async function migrateLatest(databaseUrl: string): Promise<{ applied: string[]; createdDatabase: boolean }> {
  const { created } = await ensureDatabase(databaseUrl);
  const db = centreDb(databaseUrl);
  await db.raw(`CREATE SCHEMA IF NOT EXISTS ${METRICS_SCHEMA}`);
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return { applied, createdDatabase: created };
}
