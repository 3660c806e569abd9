import type { Config } from '../../schemas/config.ts';
import { databaseKind, resolveMysqlUrl, resolvePostgresUrl } from '../../config/connections.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { postgresTargetTables } from '../../connectors/postgres/target-tables.ts';
import { connectMariadb } from '../../connectors/mariadb/connect.ts';
import { mariadbTargetTables } from '../../connectors/mariadb/target-tables.ts';
import type { TargetTables } from '../../connectors/target-tables.ts';
import { VALUE_TEXT_SETTINGS } from '../staging/open-source.ts';
import { serverVersion } from '../../connectors/postgres/server-version.ts';

/** The kind of database a department connection names (resolved inside activities only). */
export function targetKind(config: Config, connection: string): 'postgres' | 'mysql' {
  const kind = databaseKind(config, connection);
  if (kind === 'postgres' || kind === 'mysql') return kind;
  if (kind === undefined) throw new BadInputError(`unknown connection "${connection}"`);
  throw new BadInputError(`connection "${connection}" is a ${kind} connection; a distribution needs a postgres or mysql one`);
}

export async function openTarget(config: Config, connection: string): Promise<TargetTables> {
  const label = `target connection "${connection}"`;
  if (targetKind(config, connection) === 'mysql') return mariadbTargetTables(await connectMariadb(resolveMysqlUrl(config, connection), label));
  const client = await connectPostgres(resolvePostgresUrl(config, connection), { application: 'dataops-distribute', label });
  // COPY text from the centre reads back exactly under the same value formats; UTC, so that values
  // reconciliation hashes by their text print as the centre's session prints them.
  await client.query(`${VALUE_TEXT_SETTINGS}; SET jit = off; SET TimeZone = 'UTC'`);
  return postgresTargetTables(client, await serverVersion(client));
}
