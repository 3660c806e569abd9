import type { Config } from '../schemas/config.ts';
import { centreDb } from '../db/knex.ts';
import { logger } from '../config/logger.ts';
import { connectClient } from '../temporal/client.ts';
import { reconcileRunRecords } from '../activities/runs/reconcile-runs.ts';

/**
 * A worker that starts is often a worker that replaces one that died: before the schedule's next
 * round, close the records of runs whose workflows ended meanwhile. Never holds up the worker.
 */
export function reconcileAtStartup(config: Config): void {
  const log = logger().child({ step: 'reconcile', at: 'worker start' });
  void (async () => {
    const client = await connectClient(config);
    try {
      const summary = await reconcileRunRecords(centreDb(config.databaseUrl), client, log);
      if (summary.closed.length) log.info({ closed: summary.closed.length }, 'closed the records of runs whose workflows had ended');
    } finally {
      await client.connection.close();
    }
  })().catch((error: unknown) => log.warn({ error: (error as Error).message }, 'reconciling run records at start-up failed; the schedule will retry'));
}
