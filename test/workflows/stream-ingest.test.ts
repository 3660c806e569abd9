import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { jobSpecSchema, type StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { IngestSliceSummary, StreamStatus, StreamTotals } from '../../schemas/stream-run.ts';
import { startJob } from '../../client/start-job.ts';
import { loadConfig } from '../../config/load-config.ts';
import { rootCause } from '../../client/root-cause.ts';
import { pauseSignal, resumeSignal, streamControlUpdate, streamStatusQuery } from '../../workflows/definitions.ts';
import type * as real from '../../activities/index.ts';
import { testRuntimeLogger } from '../support/test-logger.ts';

// The stream workflow's own branches with fake activities on the dev server: slices one after another,
// pause (the running slice cancelled and waited for) and resume, stop, continue-as-new with the totals
// carried over and the run recorded once, and bad input ending the run as failed.
const TASK_QUEUE = 'test-workflow-stream';
let behaviour: 'instant' | 'until-cancelled' | 'bad-input' = 'instant';
let slices: number[] = [];
let marks: string[] = [];
let starts = 0;
let finished: { status: string; error?: string } | undefined;
let totals: StreamTotals = { messages: 0, written: 0, quarantined: 0, duplicates: 0, poison: 0, bytes: 0 };
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let client: Client;

const fakes: Partial<typeof real> = {
  async startRun() {
    starts++;
  },
  async finishRun(input) {
    finished = input;
  },
  async forgetSlices() {},
  async markStream({ state }) {
    marks.push(state);
  },
  async streamTotals() {
    return totals;
  },
  async ingestStream({ slice }): Promise<IngestSliceSummary> {
    slices.push(slice);
    if (behaviour === 'bad-input') throw ApplicationFailure.nonRetryable('stream "NOPE" on nats connection "x" does not exist', 'BadInput');
    if (behaviour === 'until-cancelled') {
      const ctx = Context.current();
      while (!ctx.cancellationSignal.aborted) {
        ctx.heartbeat();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    totals = { ...totals, messages: totals.messages + 10, written: totals.written + 9, quarantined: totals.quarantined + 1, lastSequence: (slice + 1) * 10 };
    return { ...totals, slice, batches: 1, attempt: 1, resumedFromMessage: 0 };
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
    // As the real worker: cancellation reaches a slice with its next heartbeat.
    maxHeartbeatThrottleInterval: '1 second',
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

let n = 0;
async function start(b: typeof behaviour) {
  behaviour = b;
  slices = [];
  marks = [];
  starts = 0;
  finished = undefined;
  totals = { messages: 0, written: 0, quarantined: 0, duplicates: 0, poison: 0, bytes: 0 };
  n += 1;
  const spec = jobSpecSchema.parse({
    kind: 'stream-ingest',
    job: `wf-stream-${process.pid}-${n}`,
    dataset: 'wf-stream',
    department: 'test',
    source: { type: 'jetstream', connection: 'x', stream: 'S' },
    fields: { id: { type: 'string', required: true } },
    target: { table: 'stream.wf' },
  }) as StreamIngestJobSpec;
  const config = { ...loadConfig(), temporal: { ...loadConfig().temporal, taskQueue: TASK_QUEUE } };
  return startJob(client, config, spec);
}

describe('the stream-ingest workflow', () => {
  it('runs slice after slice, continues as new every 100 slices with its totals, and records the run once', async () => {
    const { handle } = await start('instant');
    const firstRun = (await handle.describe()).runId;
    await expect.poll(() => slices.length, { timeout: 60_000, interval: 100 }).toBeGreaterThan(105);
    const status = await handle.query(streamStatusQuery);
    expect(status.state).toBe('running');
    expect(status.slice).toBeGreaterThan(100);
    expect((await handle.describe()).runId).not.toBe(firstRun);
    expect(await handle.executeUpdate(streamControlUpdate, { args: ['stop'] })).toBe('stopping');
    const ended = (await client.workflow.getHandle(handle.workflowId).result()) as StreamStatus;
    expect(ended.state).toBe('stopped');
    // Slices are numbered on across runs, each once: no slice is repeated or skipped.
    expect(slices).toEqual(slices.map((_, i) => i));
    expect(ended.totals.messages).toBe(slices.length * 10);
    expect(starts).toBe(1);
    expect(finished?.status).toBe('succeeded');
    expect(marks.at(-1)).toBe('stopped');
  }, 120_000);

  it('pause cancels the running slice and waits; resume starts the next; stop ends the run', async () => {
    const { handle } = await start('until-cancelled');
    await expect.poll(() => slices.length, { timeout: 10_000 }).toBe(1);
    await handle.signal(pauseSignal);
    await expect.poll(async () => (await handle.query(streamStatusQuery)).state, { timeout: 10_000 }).toBe('paused');
    await expect.poll(() => marks, { timeout: 10_000 }).toEqual(['paused']);
    await new Promise((r) => setTimeout(r, 500));
    expect(slices).toEqual([0]);
    await handle.signal(resumeSignal);
    await expect.poll(() => slices, { timeout: 10_000 }).toEqual([0, 1]);
    expect(marks).toEqual(['paused', 'running']);
    expect(await handle.executeUpdate(streamControlUpdate, { args: ['stop'] })).toBe('stopping');
    const ended = (await handle.result()) as StreamStatus;
    expect(ended.state).toBe('stopped');
    expect(ended.totals.messages).toBe(20);
    expect(finished?.status).toBe('succeeded');
  }, 60_000);

  it('bad input ends the run as failed with the reason', async () => {
    const { handle } = await start('bad-input');
    const error = await handle.result().catch((e: unknown) => e);
    expect(rootCause(error)?.message).toContain('does not exist');
    expect(finished?.status).toBe('failed');
    expect(marks).toEqual(['failed']);
  });
});
