import pg from 'pg';
import { BadInputError } from '../../errors/bad-input.ts';
import { describeServer } from '../../config/redact.ts';

export interface ConnectOptions {
  /** Shown in pg_stat_activity, so an operator can tell the centre's sessions apart. */
  application: string;
  /** How error messages name the connection: `source connection "hr_system"`, `the centre database`. */
  label: string;
}

/** SQLSTATEs that retrying cannot fix: the database or role is wrong, not the network. */
const NOT_RETRYABLE: Record<string, string> = {
  '3D000': 'database does not exist',
  '28P01': 'password authentication failed',
  '28000': 'the role may not connect',
  '42501': 'permission denied',
};

/**
 * Connects a pg.Client that cannot take the process down with it. A backend ended under a client
 * (pg_terminate_backend, a server restart, a cut network) makes it emit 'error'; with no listener
 * Node ends the whole worker. Here the error is only noted: the query in flight, or the next one,
 * fails with it, so the activity fails and Temporal retries it.
 */
export async function connectPostgres(url: string, options: ConnectOptions): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: options.application });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, url, options.label);
  }
  return client;
}

function connectionError(error: unknown, url: string, label: string): Error {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  const where = `${label} (${describeServer(url)})`;
  const reason = NOT_RETRYABLE[code];
  if (reason) return new BadInputError(`cannot connect to ${where}: ${reason} (${message})`);
  return new Error(`cannot connect to ${where}: ${message}`);
}
