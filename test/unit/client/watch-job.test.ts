import { describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { watchJob } from '../../../client/watch-job.ts';
import type { Progress } from '../../../schemas/progress.ts';

const progress: Progress = { phase: 'staging', step: 'collect', rows: 5, bytes: 0, batches: 0, attempt: 1, updatedAt: '' };

/** A handle whose query answers at once, whose describe has no pending activity, and whose result comes when told. */
function fakeHandle(queryDelayMs = 0) {
  let finish!: (value: string) => void;
  const result = new Promise<string>((r) => (finish = r));
  const handle = {
    result: () => result,
    query: () => new Promise((r) => setTimeout(() => r(progress), queryDelayMs)),
    describe: async () => ({ raw: { pendingActivities: [] } }),
  } as unknown as WorkflowHandle;
  return { handle, finish };
}

describe('watchJob', () => {
  it('reports at every interval even when nothing changed, then returns the result', async () => {
    const { handle, finish } = fakeHandle();
    const seen: number[] = [];
    const watching = watchJob<string>(handle, () => seen.push(Date.now()), 50);
    await new Promise((r) => setTimeout(r, 330));
    finish('done');
    expect(await watching).toBe('done');
    expect(seen.length).toBeGreaterThanOrEqual(4);
  });

  it('never reports after the result is known, even when a poll was in flight', async () => {
    const { handle, finish } = fakeHandle(100);
    const seen: string[] = [];
    const watching = watchJob<string>(handle, () => seen.push('progress'), 20);
    await new Promise((r) => setTimeout(r, 50)); // a query is in flight now
    finish('done');
    seen.push('result');
    await watching;
    await new Promise((r) => setTimeout(r, 150));
    expect(seen[seen.length - 1]).toBe('result');
  });
});
