import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { scanJobSpecSchema } from '../../schemas/job-spec.ts';
import type { ConnectionScanSummary, ScanResult } from '../../schemas/scan-run.ts';
import { startJob } from '../../client/start-job.ts';
import { loadConfig } from '../../config/load-config.ts';
import { rootCause } from '../../client/root-cause.ts';
import { DataOpsRecords } from '../../workflows/definitions.ts';
import type * as real from '../../activities/index.ts';
import { testRuntimeLogger } from '../support/test-logger.ts';

// The scan workflow's branches with fake activities: connections scanned side by side, one that
// cannot be scanned, and a cancelled run.
const TASK_QUEUE = 'test-workflow-scan';
let behaviour: Record<string, 'ok' | 'bad-input' | 'wait-for-cancel'> = {};
let finished: { status: string; error?: string } | undefined;
let scanned: string[] = [];
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let client: Client;

const summary = (connection: string, findings: number): ConnectionScanSummary => ({
  connection,
  tables: 4,
  columns: 9,
  rows: 400,
  findings,
  skipped: [],
  skippedCount: 0,
});

const fakes: Partial<typeof real> = {
  async startRun() {},
  async finishRun(input) {
    finished = input;
  },
  async abandonStaging() {},
  async planScan() {
    return [
      { connection: 'centre', kind: 'postgres', centre: true },
      { connection: 'dept_a', kind: 'mysql', centre: false },
    ];
  },
  async scanConnection({ target }) {
    scanned.push(target.connection);
    const how = behaviour[target.connection] ?? 'ok';
    if (how === 'bad-input') throw ApplicationFailure.nonRetryable(`connection "${target.connection}" has no URL`, 'BadInput');
    if (how === 'wait-for-cancel') {
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('scan cancelled');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return summary(target.connection, target.centre ? 1 : 2);
  },
};

beforeAll(async () => {
  try {
    Runtime.install({ logger: testRuntimeLogger() });
  } catch {
    // installed by an earlier file in this process
  }
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: fakes,
  });
  running = worker.run();
  client = new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) });
});
afterAll(async () => {
  worker.shutdown();
  await running;
  await nativeConnection.close();
  await client.connection.close();
});

const spec = scanJobSpecSchema.parse({ kind: 'scan', job: 'wf-scan', dataset: 'security-scan', department: 'test' });
let n = 0;
async function start(b: typeof behaviour) {
  behaviour = b;
  finished = undefined;
  scanned = [];
  const config = { ...loadConfig(), temporal: { ...loadConfig().temporal, taskQueue: TASK_QUEUE } };
  return startJob(client, config, spec, `scan:wf-scan:${Date.now()}-${++n}`);
}

describe('the scan workflow', () => {
  it('scans every planned connection and returns their counts, the findings in the search attributes', async () => {
    const { handle } = await start({});
    const result = (await handle.result()) as ScanResult;
    expect(result.connections.map((c) => [c.connection, c.findings])).toEqual([
      ['centre', 1],
      ['dept_a', 2],
    ]);
    expect(result.findings).toBe(3);
    expect(finished?.status).toBe('succeeded');
    expect((await handle.describe()).typedSearchAttributes.get(DataOpsRecords)).toBe(3);
  });

  it('a connection that cannot be scanned fails the run, naming it, after the others finished', async () => {
    const { handle } = await start({ dept_a: 'bad-input' });
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(rootCause(error)?.message).toBe(
      'could not scan 1 of 2 connection(s): dept_a: connection "dept_a" has no URL (the others\' 1 finding(s) are stored)',
    );
    expect(scanned.sort()).toEqual(['centre', 'dept_a']);
    expect(finished?.status).toBe('failed');
    expect((await handle.describe()).typedSearchAttributes.get(DataOpsRecords)).toBe(1);
  });

  it('a cancelled scan is recorded as cancelled, not as a connection it could not scan', async () => {
    const { handle } = await start({ dept_a: 'wait-for-cancel' });
    await expect.poll(() => scanned.length, { timeout: 10_000 }).toBe(2);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    await expect.poll(() => finished?.status, { timeout: 10_000 }).toBe('cancelled');
  });
});
