import { describe, expect, it, vi } from 'vitest';
import type { Client } from '@temporalio/client';
import { MAX_WORKFLOW_INPUT_BYTES, startJob, WorkflowInputTooLargeError } from '../../../client/start-job.ts';
import { jobSpecSchema } from '../../../schemas/job-spec.ts';
import { loadConfig } from '../../../config/load-config.ts';

const config = loadConfig({} as NodeJS.ProcessEnv);

function spec(description: string) {
  return jobSpecSchema.parse({
    kind: 'collect',
    job: 'a',
    dataset: 'b',
    department: 'c',
    description,
    source: { type: 'file', path: '/x.csv' },
    target: { table: 'raw.x' },
  });
}

function fakeClient() {
  const start = vi.fn(async (_type: string, options: { workflowId: string }) => ({ workflowId: options.workflowId }));
  return { client: { workflow: { start } } as unknown as Client, start };
}

describe('startJob refuses a workflow input Temporal would not take', () => {
  it('over 1 MiB of JSON: WorkflowInputTooLargeError, and nothing is sent', async () => {
    const { client, start } = fakeClient();
    const big = spec('x'.repeat(MAX_WORKFLOW_INPUT_BYTES));
    const refused = startJob(client, config, big, 'collect:b:big');
    await expect(refused).rejects.toBeInstanceOf(WorkflowInputTooLargeError);
    await expect(refused).rejects.toThrow(
      /the workflow input would be 1\.0 MiB of JSON, over the 1 MiB dataops allows \(Temporal refuses payloads over 2 MB\)/,
    );
    expect(start).not.toHaveBeenCalled();
  });

  it('counts bytes, not characters: 400k Chinese characters are 1.1 MiB of UTF-8', async () => {
    const { client, start } = fakeClient();
    await expect(startJob(client, config, spec('数'.repeat(400_000)), 'collect:b:zh')).rejects.toBeInstanceOf(WorkflowInputTooLargeError);
    expect(start).not.toHaveBeenCalled();
  });

  it('under the limit: started with { runId, spec }', async () => {
    const { client, start } = fakeClient();
    const small = spec('a register');
    await startJob(client, config, small, 'collect:b:small');
    expect(start).toHaveBeenCalledOnce();
    expect(start.mock.calls[0]![1]).toMatchObject({ workflowId: 'collect:b:small', args: [{ runId: 'collect:b:small', spec: small }] });
  });
});
