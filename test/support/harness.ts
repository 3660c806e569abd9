import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import { testRuntimeLogger } from './test-logger.ts';
import { loadConfig } from '../../config/load-config.ts';
import { createWorker } from '../../workers/create-worker.ts';
import { centreDb } from '../../db/knex.ts';
import type { Config } from '../../schemas/config.ts';
import { TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL } from './urls.ts';

export interface TestEnv {
  config: Config;
  client: Client;
  db: ReturnType<typeof centreDb>;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Points config at the test databases and Temporal server; each test file gets its own task queue. */
export function configureTestEnvironment(taskQueue: string): Config {
  process.env.DATABASE_URL = TEST_DATABASE_URL;
  process.env.TEMPORAL_ADDRESS = inject('temporalAddress');
  process.env.DATAOPS_TASK_QUEUE = taskQueue;
  process.env.DATAOPS_CONNECTION_DEPT_SOURCE = TEST_SOURCE_DATABASE_URL;
  process.env.LOG_LEVEL ??= 'warn';
  return loadConfig();
}

/** A real worker (in this process) and client against the real dev server and PostgreSQL. */
let runtimeInstalled = false;

export async function startTestEnv(taskQueue: string, options: { worker?: boolean } = {}): Promise<TestEnv> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    try {
      Runtime.install({ logger: testRuntimeLogger() });
    } catch {
      // already installed by an earlier test file in this process
    }
  }
  const config = configureTestEnvironment(taskQueue);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  let worker: Worker | undefined;
  let workerConnection: NativeConnection | undefined;
  let running: Promise<void> | undefined;
  if (options.worker !== false) {
    ({ worker, connection: workerConnection } = await createWorker({ config, workflowBundle: { codePath: inject('workflowBundlePath') } }));
    running = worker.run();
  }
  return {
    config,
    client,
    db: centreDb(config.databaseUrl),
    taskQueue,
    async stop() {
      if (worker) {
        worker.shutdown();
        await running;
        await workerConnection?.close();
      }
      await connection.close();
    },
  };
}
