import knexFactory, { type Knex } from 'knex';
import { migrationSource } from '../migrations/index.ts';

export const METRICS_SCHEMA = 'dataops';

const instances = new Map<string, Knex>();

/** One pooled knex per database URL per process. */
export function centreDb(databaseUrl: string): Knex {
  let db = instances.get(databaseUrl);
  if (!db) {
    db = knexFactory({
      client: 'pg',
      connection: databaseUrl,
      pool: { min: 0, max: 5 },
      migrations: { migrationSource, schemaName: METRICS_SCHEMA, tableName: 'knex_migrations' },
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
