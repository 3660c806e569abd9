import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pg from 'pg';
import { startDevServer } from '../temporal/dev-server.ts';
import { migrateLatest } from '../db/migrate.ts';
import { loadConfig } from '../config/load-config.ts';
import { createWorker } from '../workers/create-worker.ts';
import { closeAllDbs } from '../db/knex.ts';
import type { Config } from '../schemas/config.ts';

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/dataops_bench';

export interface BenchEnv {
  config: Config;
  client: Client;
  /** A plain connection to the benchmark database, for setup and baselines. */
  db: pg.Client;
  stop(): Promise<void>;
}

/**
 * What every benchmark runs on: the benchmark database migrated, a dev server of its own, and a worker
 * in this process (so peak RSS includes it) on the benchmark's task queue.
 */
export async function startBenchEnv(taskQueue: string): Promise<BenchEnv> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.env.LOG_LEVEL ??= 'warn';
  await migrateLatest(BENCH_DATABASE_URL);
  const db = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await db.connect();
  const server = await startDevServer({ uiPort: false });
  process.env.TEMPORAL_ADDRESS = server.address;
  process.env.DATABASE_URL = BENCH_DATABASE_URL;
  process.env.DATAOPS_TASK_QUEUE = taskQueue;
  const config = loadConfig();
  const { worker, connection: workerConnection } = await createWorker({ config });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  return {
    config,
    client: new Client({ connection }),
    db,
    async stop() {
      await db.end();
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      await closeAllDbs();
      await server.stop();
    },
  };
}
