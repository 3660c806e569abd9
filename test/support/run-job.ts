import type { Client } from '@temporalio/client';
import type { CollectJobSpec, JobSpecInput } from '../../schemas/job-spec.ts';

type CollectSpecInput = Extract<JobSpecInput, { kind: 'collect' }>;
import { jobSpecSchema } from '../../schemas/job-spec.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';
import { startJob } from '../../client/start-job.ts';
import type { Config } from '../../schemas/config.ts';

let counter = 0;

export function collectSpec(overrides: Partial<CollectSpecInput> & Pick<CollectSpecInput, 'source' | 'target'>): CollectJobSpec {
  counter += 1;
  return jobSpecSchema.parse({
    kind: 'collect',
    job: `test-job-${counter}`,
    dataset: `test-dataset-${process.pid}-${counter}`,
    department: 'test-department',
    ...overrides,
  }) as CollectJobSpec;
}

export async function startCollect(client: Client, config: Config, spec: CollectJobSpec) {
  const workflowId = `collect:${spec.dataset}:${Date.now()}-${counter}`;
  return startJob(client, config, spec, workflowId);
}

export async function runCollect(client: Client, config: Config, spec: CollectJobSpec): Promise<CollectResult & { workflowId: string }> {
  const { handle, workflowId } = await startCollect(client, config, spec);
  const result = (await handle.result()) as CollectResult;
  return { ...result, workflowId };
}
