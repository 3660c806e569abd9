import knexFactory, { type Knex } from 'knex';
import { PROJECT_ROOT } from '../temporal/cli-locator.ts';
import { join } from 'node:path';

export const METRICS_SCHEMA = 'dataops';
export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

const instances = new Map<string, Knex>();

/** One pooled knex per database URL per process. */
export function centreDb(databaseUrl: string): Knex {
  let db = instances.get(databaseUrl);
  if (!db) {
    db = knexFactory({
      client: 'pg',
      connection: databaseUrl,
      pool: { min: 0, max: 5 },
      migrations: { directory: MIGRATIONS_DIR, schemaName: METRICS_SCHEMA, tableName: 'knex_migrations', loadExtensions: ['.ts'] },
    });
    instances.set(databaseUrl, db);
  }
  return db;
}

export async function closeAllDbs(): Promise<void> {
  const all = [...instances.values()];
  instances.clear();
  await Promise.all(all.map((db) => db.destroy()));
}

