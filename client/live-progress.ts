import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { liveCountsSchema, type Progress } from '../schemas/progress.ts';
import { progressQuery } from '../workflows/definitions.ts';

/**
 * Where a run stands now: the workflow's progress (phase, step, from a query) brought up to the second
 * by the running activity's heartbeat details, which carry live counts. Reading both costs the server
 * nothing lasting: no signal, no history event.
 */
export async function readLiveProgress(handle: WorkflowHandle): Promise<Progress | undefined> {
  const [queried, description] = await Promise.all([handle.query(progressQuery).catch(() => undefined), handle.describe().catch(() => undefined)]);
  if (queried?.child) {
    // A pipeline: the step running now has the live counts.
    const step = await readLiveProgress(handle.client.getHandle(queried.child)).catch(() => undefined);
    if (step)
      return { ...step, phase: step.phase === 'done' ? 'staging' : step.phase, step: `${queried.step}: ${step.step ?? step.phase}`, child: queried.child };
  }
  const pending = description?.raw.pendingActivities ?? [];
  // Key ranges staged at once: the workflow's progress sums them all (see ProgressState).
  if (queried && pending.length > 1) return queried;
  for (const activity of pending) {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    if (!payload) continue;
    const counts = liveCountsSchema.safeParse(defaultPayloadConverter.fromPayload(payload));
    if (!counts.success) continue;
    const base: Progress = queried ?? { phase: 'staging', rows: 0, bytes: 0, batches: 0, attempt: 1, updatedAt: new Date().toISOString() };
    return { ...base, ...counts.data, phase: 'staging', attempt: activity.attempt ?? base.attempt, updatedAt: new Date().toISOString() };
  }
  return queried;
}

/** Whether any worker has polled the task queue lately (Temporal keeps pollers of the last minutes). */
export async function taskQueueHasPollers(client: Client, taskQueue: string): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return (response.pollers ?? []).length > 0;
}
