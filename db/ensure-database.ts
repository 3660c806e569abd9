import pg from 'pg';
import { describeUrl } from '../config/redact.ts';
import { quoteIdent } from '../connectors/postgres/quote.ts';

const START_HINT =
  'Start PostgreSQL (on this machine kind: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ' +
  'or point DATABASE_URL at a reachable server.';

/** The one message for a server that cannot be reached: where (password redacted), why, how to start it. */
export function databaseUnreachable(url: string, error: unknown): Error {
  const code = (error as { code?: string }).code ?? (error as Error).message;
  return new Error(`PostgreSQL is not reachable at ${describeUrl(url)} (${code}). ${START_HINT}`);
}

/** Connects once and disconnects; the error, if any, is returned rather than thrown. */
async function probe(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // A backend ended under the client emits 'error'; unheard, it would end the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    await client.end().catch(() => undefined);
    return error;
  }
}

/**
 * For commands that read the centre database but do not create it: fails with the message `migrate`
 * gives when the server cannot be reached, and says to run `dataops migrate` when the database is missing.
 */
export async function assertDatabaseReachable(databaseUrl: string): Promise<void> {
  const error = await probe(databaseUrl);
  if (!error) return;
  if ((error as { code?: string }).code === '3D000') {
    throw new Error(`the database in DATABASE_URL ${describeUrl(databaseUrl)} does not exist; create it and its schema with: dataops migrate`);
  }
  throw databaseUnreachable(databaseUrl, error);
}

/** Creates the database named in the URL if it is missing; explains exactly what is wrong when it cannot. */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${describeUrl(databaseUrl)} names no database`);
  const error = await probe(databaseUrl);
  if (!error) return { created: false };
  if ((error as { code?: string }).code !== '3D000') throw databaseUnreachable(databaseUrl, error);
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (error) {
    throw databaseUnreachable(maintenance.toString(), error);
  }
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
    return { created: true };
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return { created: false };
    throw new Error(`could not create database "${name}" on ${describeUrl(databaseUrl)}: ${(error as Error).message}`);
  } finally {
    await admin.end();
  }
}
