import { loadConfig } from '../config/load-config.ts';
import { closeAllDbs } from '../db/knex.ts';
import { createWorker } from './create-worker.ts';
import { reconcileAtStartup } from './startup-reconcile.ts';

/** Runs a worker until SIGINT/SIGTERM; the SDK drains in-flight tasks before exit. */
export async function runWorker(opts: { maxConcurrentActivities?: number; identity?: string } = {}): Promise<void> {
  const config = loadConfig();
  const { worker, connection } = await createWorker({ config, ...opts });
  reconcileAtStartup(config);
  try {
    await worker.run();
  } finally {
    await connection.close();
    await closeAllDbs();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runWorker({ identity: process.env.DATAOPS_WORKER_IDENTITY }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
