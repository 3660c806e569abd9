import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { collectJobSpecSchema } from '../../schemas/job-spec.ts';
import { startJob } from '../../client/start-job.ts';
import { loadConfig } from '../../config/load-config.ts';
import { rootCause } from '../../client/root-cause.ts';
import { DataOpsAccuracy, DataOpsRecords, progressQuery, progressSignal } from '../../workflows/definitions.ts';
import type * as real from '../../activities/index.ts';
import { testRuntimeLogger } from '../support/test-logger.ts';

// The workflows' own branches, with fake activities on a real dev server: what happens when a step
// fails, when bad input is refused at the start, when a run is cancelled, and what the UI sees.
// (Temporal's time-skipping test server is downloaded by the SDK at run time, which this machine
// cannot do; none of these branches waits on a timer, so the dev server does as well.)
const TASK_QUEUE = 'test-workflow-orchestration';
type Call = { name: string; args: unknown };
let calls: Call[] = [];
let behaviour: { stage?: 'ok' | 'bad-input' | 'wait-for-cancel'; publish?: 'ok' | 'fail'; start?: 'ok' | 'bad-input' } = {};
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let client: Client;

const record = (name: string) => (args: unknown) => {
  calls.push({ name, args });
};

const stageSummary = { rows: 10, bytes: 100, batches: 1, attempt: 1, resumedFromRow: 0, stagingTable: 'dataops_staging.x' };
const fakes: Partial<typeof real> = {
  async startRun(input) {
    record('startRun')(input);
    if (behaviour.start === 'bad-input') throw ApplicationFailure.nonRetryable('table raw.t belongs to dataset "other"', 'BadInput');
  },
  async finishRun(input) {
    record('finishRun')(input);
  },
  async abandonStaging(input) {
    record('abandonStaging')(input);
  },
  async stageCollect(input) {
    record('stageCollect')(input);
    if (behaviour.stage === 'bad-input') throw ApplicationFailure.nonRetryable('residents.csv line 7: expected 4 fields, found 5', 'BadInput');
    if (behaviour.stage === 'wait-for-cancel') {
      const ctx = Context.current();
      const execution = ctx.info.workflowExecution!;
      await ctx.client.workflow
        .getHandle(execution.workflowId)
        .signal(progressSignal, { phase: 'staging', step: 'collect', rows: 42, bytes: 420, batches: 3, attempt: 1, updatedAt: new Date().toISOString() });
      for (;;) {
        ctx.heartbeat();
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('collection cancelled');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return stageSummary;
  },
  async publishCollect(input) {
    record('publishCollect')(input);
    if (behaviour.publish === 'fail') throw ApplicationFailure.nonRetryable('target raw.t exists and is neither a table nor a view', 'BadInput');
    return { table: 'raw.t', version: 1, rows: 10, columns: 2, sensitivity: 'L1', accuracy: 0.97, completeness: 1 };
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

const spec = collectJobSpecSchema.parse({
  kind: 'collect',
  job: 'wf-test',
  dataset: 'wf-test',
  department: 'test',
  source: { type: 'file', path: '/data/residents.csv' },
  target: { table: 'raw.t' },
});

let n = 0;
async function start(b: typeof behaviour) {
  calls = [];
  behaviour = b;
  const config = { ...loadConfig(), temporal: { ...loadConfig().temporal, taskQueue: TASK_QUEUE } };
  return startJob(client, config, spec, `collect:wf-test:${Date.now()}-${++n}`);
}
const names = () => calls.map((c) => c.name);
const finish = () => calls.find((c) => c.name === 'finishRun')?.args as { status: string; error?: string } | undefined;

describe('the collect workflow', () => {
  it('succeeds: records the run, stages, publishes, sets the record count and accuracy for the Web UI', async () => {
    const { handle } = await start({});
    await handle.result();
    expect(names()).toEqual(['startRun', 'stageCollect', 'publishCollect', 'finishRun']);
    expect(finish()).toMatchObject({ status: 'succeeded' });
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(DataOpsRecords)).toBe(10);
    expect(typedSearchAttributes.get(DataOpsAccuracy)).toBe(0.97);
    expect(await handle.query(progressQuery)).toMatchObject({ phase: 'done' });
  });

  it('bad input while staging: fails at once, drops staging, records the failure with the message', async () => {
    const { handle } = await start({ stage: 'bad-input' });
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(rootCause(error)?.message).toMatch(/line 7: expected 4 fields/);
    expect(names()).toEqual(['startRun', 'stageCollect', 'abandonStaging', 'finishRun']);
    expect(finish()).toEqual({ runId: expect.any(String), status: 'failed', error: 'residents.csv line 7: expected 4 fields, found 5' });
  });

  it('a publish that fails leaves nothing partial: staging dropped, run failed', async () => {
    const { handle } = await start({ publish: 'fail' });
    await expect(handle.result()).rejects.toThrow();
    expect(names()).toEqual(['startRun', 'stageCollect', 'publishCollect', 'abandonStaging', 'finishRun']);
    expect(finish()?.status).toBe('failed');
  });

  it('refused at the start (a table another dataset owns): no staging, the refusal recorded', async () => {
    const { handle } = await start({ start: 'bad-input' });
    await expect(handle.result()).rejects.toThrow();
    expect(names()).toEqual(['startRun', 'abandonStaging', 'finishRun']);
    expect(finish()).toMatchObject({ status: 'failed', error: expect.stringMatching(/belongs to dataset "other"/) });
  });

  it('cancelled while staging: shows its progress until then, then drops staging and records the cancellation', async () => {
    const { handle } = await start({ stage: 'wait-for-cancel' });
    const deadline = Date.now() + 20_000;
    let progress = await handle.query(progressQuery);
    while (progress.rows !== 42 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      progress = await handle.query(progressQuery);
    }
    expect(progress).toMatchObject({ phase: 'staging', step: 'collect', rows: 42, batches: 3 });
    // The Web UI's "Current details" shows the same progress.
    const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(metadata.currentDetails).toMatch(/\*\*collect\*\* · 42 rows · 3 batches committed/);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect(names()).toEqual(['startRun', 'stageCollect', 'abandonStaging', 'finishRun']);
    expect(finish()?.status).toBe('cancelled');
  });
});
