import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { jobSpecSchema, type TagJobSpec } from '../../schemas/job-spec.ts';
import type { TagResult } from '../../schemas/tag-run.ts';
import { startJob } from '../../client/start-job.ts';
import { loadConfig } from '../../config/load-config.ts';
import { rootCause } from '../../client/root-cause.ts';
import { DataOpsRecords } from '../../workflows/definitions.ts';
import type * as real from '../../activities/index.ts';
import { testRuntimeLogger } from '../support/test-logger.ts';

// The tag workflow's order and branches with fake activities: plan, stage with the plan's as-of date,
// apply with the run's logical date; a rule that does not compile stops the run before any row is
// read; a cancelled staging is recorded as cancelled and its staging abandoned.
const TASK_QUEUE = 'test-workflow-tag';
let behaviour: { plan?: 'bad-input'; stage?: 'wait-for-cancel' } = {};
let calls: string[] = [];
let finished: { status: string; error?: string } | undefined;
let staged: { asOf: string } | undefined;
let applied: { logicalDate: string } | undefined;
let worker: Worker;
let running: Promise<void>;
let nativeConnection: NativeConnection;
let client: Client;

const fakes: Partial<typeof real> = {
  async startRun() {
    calls.push('startRun');
  },
  async finishRun(input) {
    calls.push('finishRun');
    finished = input;
  },
  async abandonStaging() {
    calls.push('abandonStaging');
  },
  async planTag() {
    calls.push('planTag');
    if (behaviour.plan === 'bad-input')
      throw ApplicationFailure.nonRetryable('tag elderly: the rule does not compile: unknown field "agee" at column 1', 'BadInput');
    return { asOf: '2026-11-01', fields: ['age: int'], versions: { elderly: 'v1' } };
  },
  async stageTag(input) {
    calls.push('stageTag');
    staged = input;
    if (behaviour.stage === 'wait-for-cancel') {
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('tag cancelled');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return { rows: 10, bytes: 100, batches: 1, attempt: 1, resumedFromRow: 0, stagingTable: 'dataops_staging.tag_x' };
  },
  async applyTags(input) {
    calls.push('applyTags');
    applied = input;
    return { entities: 10, tags: [{ tag: 'elderly', ruleVersion: 'v1', evaluated: 10, added: 4, removed: 1, current: 7, unknown: 0, errors: 0 }] };
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

const spec = jobSpecSchema.parse({
  kind: 'tag',
  job: 'wf-tag',
  dataset: 'wf-tag',
  department: 'test',
  entities: { table: 'clean.residents', key: 'resident_id', type: 'resident' },
  tags: { elderly: { rule: 'age >= 60' } },
  options: { heartbeatSeconds: 5 },
}) as TagJobSpec;
let n = 0;
async function start(b: typeof behaviour) {
  behaviour = b;
  calls = [];
  finished = staged = applied = undefined;
  const config = { ...loadConfig(), temporal: { ...loadConfig().temporal, taskQueue: TASK_QUEUE } };
  return startJob(client, config, spec, `tag:wf-tag:${Date.now()}-${++n}`);
}

describe('the tag workflow', () => {
  it('plans, stages as of the plan date, applies at the logical date, and shows the current tags as records', async () => {
    const { handle } = await start({});
    const result = (await handle.result()) as TagResult;
    expect(calls).toEqual(['startRun', 'planTag', 'stageTag', 'applyTags', 'finishRun']);
    expect(staged?.asOf).toBe('2026-11-01');
    expect(new Date(applied!.logicalDate).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(result.apply.tags[0]).toMatchObject({ tag: 'elderly', current: 7 });
    expect(finished?.status).toBe('succeeded');
    expect((await handle.describe()).typedSearchAttributes.get(DataOpsRecords)).toBe(7);
  });

  it('a rule that does not compile fails the run before any entity is read', async () => {
    const { handle } = await start({ plan: 'bad-input' });
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(rootCause(error)?.message).toMatch(/unknown field "agee" at column 1/);
    expect(calls).toEqual(['startRun', 'planTag', 'abandonStaging', 'finishRun']);
    expect(finished).toMatchObject({ status: 'failed', error: expect.stringMatching(/does not compile/) });
  });

  it('a cancelled run is recorded as cancelled and its staging abandoned, nothing applied', async () => {
    const { handle } = await start({ stage: 'wait-for-cancel' });
    await expect.poll(() => calls.includes('stageTag'), { timeout: 10_000 }).toBe(true);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    await expect.poll(() => finished?.status, { timeout: 10_000 }).toBe('cancelled');
    expect(calls).not.toContain('applyTags');
    expect(calls).toContain('abandonStaging');
  });
});
