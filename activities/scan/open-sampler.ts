import type { Config } from '../../schemas/config.ts';
import { resolveMysqlUrl, resolvePostgresUrl } from '../../config/connections.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { connectMariadb } from '../../connectors/mariadb/connect.ts';
import { postgresTableSampler } from '../../connectors/postgres/table-sampler.ts';
import { mariadbTableSampler } from '../../connectors/mariadb/table-sampler.ts';
import type { TableSampler } from '../../connectors/table-sampler.ts';
import type { ScanTarget } from '../../schemas/scan-run.ts';

/** A sample of one table never takes longer than this, nor waits longer for a lock (the table is skipped). */
const STATEMENT_SECONDS = 60;
const LOCK_SECONDS = 5;

/** A read-only session on the connection, with time limits, for sampling its tables. */
export async function openSampler(config: Config, target: ScanTarget): Promise<TableSampler> {
  const label = `connection "${target.connection}"`;
  if (target.kind === 'mysql') {
    const session = await connectMariadb(resolveMysqlUrl(config, target.connection), label);
    try {
      await session.connection.query('SET SESSION TRANSACTION READ ONLY');
      await session.connection.query(`SET SESSION lock_wait_timeout = ${LOCK_SECONDS}`);
      // MariaDB and MySQL name the statement time limit differently (seconds and milliseconds).
      await session.connection.query(`SET SESSION max_statement_time = ${STATEMENT_SECONDS}`).catch(async () => {
        await session.connection.query(`SET SESSION max_execution_time = ${STATEMENT_SECONDS * 1000}`).catch(() => undefined);
      });
    } catch (error) {
      await session.close();
      throw error;
    }
    return mariadbTableSampler(session);
  }
  const client = await connectPostgres(resolvePostgresUrl(config, target.connection), { application: 'dataops-scan', label });
  try {
    await client.query(
      `SET default_transaction_read_only = on; SET statement_timeout = '${STATEMENT_SECONDS}s'; SET lock_timeout = '${LOCK_SECONDS}s'; SET jit = off`,
    );
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return postgresTableSampler(client);
}
