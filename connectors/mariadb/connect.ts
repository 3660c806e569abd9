import { createConnection, type Connection } from 'mysql2/promise';
import type { Readable } from 'node:stream';
import { BadInputError } from '../../errors/bad-input.ts';
import { describeServer } from '../../config/redact.ts';

/** MySQL / MariaDB error codes that retrying cannot fix: the database, user or grant is wrong. */
const NOT_RETRYABLE: Record<string, string> = {
  ER_BAD_DB_ERROR: 'database does not exist',
  ER_ACCESS_DENIED_ERROR: 'access denied',
  ER_DBACCESS_DENIED_ERROR: 'access to the database denied',
  ER_TABLEACCESS_DENIED_ERROR: 'permission denied',
};

/** Session settings every dataops session runs under, whatever the server's defaults. */
const SESSION_SETTINGS = [
  "SET time_zone = '+00:00'",
  'SET NAMES utf8mb4 COLLATE utf8mb4_bin',
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
];

export interface MariadbSession {
  connection: Connection;
  /** Sets the stream the next `LOAD DATA LOCAL INFILE` statement reads (the client asks for it by name). */
  nextInfile(stream: Readable): void;
  close(): Promise<void>;
}

/**
 * Connects to MySQL / MariaDB in UTC, strict mode, utf8mb4, with numbers that exceed a double
 * (BIGINT, DECIMAL) and dates returned as text, never rounded through JavaScript numbers or Date.
 * LOAD DATA LOCAL reads only the stream the caller set for it, never a file the server names.
 */
export async function connectMariadb(url: string, label: string): Promise<MariadbSession> {
  let infile: Readable | undefined;
  let connection: Connection;
  try {
    connection = await createConnection({
      uri: url,
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      multipleStatements: false,
      charset: 'utf8mb4_bin',
      infileStreamFactory: () => {
        const stream = infile;
        infile = undefined;
        if (!stream) throw new Error('the server asked for a file this session did not offer');
        return stream;
      },
    });
  } catch (error) {
    throw connectionError(error, url, label);
  }
  // An ended connection emits 'error'; without a listener Node would end the worker.
  connection.on('error', () => undefined);
  for (const statement of SESSION_SETTINGS) await connection.query(statement);
  return {
    connection,
    nextInfile: (stream) => {
      infile = stream;
    },
    close: async () => {
      await connection.end().catch(() => connection.destroy());
    },
  };
}

function connectionError(error: unknown, url: string, label: string): Error {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? String(error);
  const where = `${label} (${describeServer(url)})`;
  if (NOT_RETRYABLE[code]) return new BadInputError(`${where}: ${NOT_RETRYABLE[code]}: ${message}`);
  if (code === 'ECONNREFUSED') return new Error(`${where} refused the connection: is MariaDB running and listening there?`);
  return new Error(`${where}: ${message}`);
}
