import pg from 'pg';
import { describeUrl } from '../config/redact.ts';
import { quoteIdent } from '../connectors/postgres/quote.ts';

const START_HINT =
  'Start PostgreSQL (on this machine kind: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) ' +
  'or point DATABASE_URL at a reachable server.';

function unreachable(url: string, error: unknown): Error {
  const code = (error as { code?: string }).code ?? (error as Error).message;
  return new Error(`PostgreSQL is not reachable at ${describeUrl(url)} (${code}). ${START_HINT}`);
}

/** Creates the database named in the URL if it is missing; explains exactly what is wrong when it cannot. */
export async function ensureDatabase(databaseUrl: string): Promise<{ created: boolean }> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`DATABASE_URL ${describeUrl(databaseUrl)} names no database`);
  const probe = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    await probe.end();
    return { created: false };
  } catch (error) {
    await probe.end().catch(() => undefined);
    if ((error as { code?: string }).code !== '3D000') throw unreachable(databaseUrl, error);
  }
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (error) {
    throw unreachable(maintenance.toString(), error);
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
