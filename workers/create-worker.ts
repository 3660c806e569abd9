import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import * as activities from '../activities/index.ts';
import type { Config } from '../schemas/config.ts';
import { logger } from '../config/logger.ts';
import { prebuiltBundlePath, WORKFLOWS_PATH } from './workflow-bundle.ts';

export { WORKFLOWS_PATH };

export interface CreateWorkerOptions {
  config: Config;
  /** A prebuilt bundle (tests build one once) instead of bundling workflows/ at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivities?: number;
  identity?: string;
}

export async function connectWorker(config: Config): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: config.temporal.address,
    tls: config.temporal.tls || Boolean(config.temporal.apiKey),
    apiKey: config.temporal.apiKey,
  });
}

function workflowCode(given: WorkerOptions['workflowBundle']): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (given) return { workflowBundle: given };
  const prebuilt = prebuiltBundlePath();
  if (prebuilt) return { workflowBundle: { codePath: prebuilt } };
  // Works, but costs seconds at start and some 100-200 MB of heap for the worker's whole life.
  logger().warn('no prebuilt workflow bundle matches workflows/ (the sources changed since `npm run setup`); bundling in this process');
  return { workflowsPath: WORKFLOWS_PATH };
}

/** A worker on the `dataops` task queue running every workflow and activity. */
export async function createWorker(options: CreateWorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const { config } = options;
  const connection = await connectWorker(config);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...workflowCode(options.workflowBundle),
    activities,
    ...(options.identity ? { identity: options.identity } : {}),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 4,
    // The SDK sends heartbeats at most every 0.8 x the heartbeat timeout: with a 5 s timeout a
    // heartbeat delayed by a second on a busy machine already timed the activity out. Sending at most
    // once a second leaves the server a margin at any timeout, for one small RPC per second per activity.
    maxHeartbeatThrottleInterval: '1 second',
  });
  logger().info({ taskQueue: config.temporal.taskQueue, address: config.temporal.address }, 'worker ready');
  return { worker, connection };
}
