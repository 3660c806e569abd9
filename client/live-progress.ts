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
  const ranged = rangeProgress(pending, queried);
  if (ranged) return ranged;
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

/**
 * Key ranges staged at once (steps `collect#0`, ...): the running ranges' heartbeats summed, or the
 * workflow's sum of every range's last signalled counts (finished ranges included) when that is more.
 */
function rangeProgress(pending: PendingActivities, queried: Progress | undefined): Progress | undefined {
  const live = pending.flatMap((activity) => {
    const payload = activity.heartbeatDetails?.payloads?.[0];
    const counts = payload ? liveCountsSchema.safeParse(defaultPayloadConverter.fromPayload(payload)) : undefined;
    return counts?.success && /#\d+$/.test(counts.data.step) ? [{ counts: counts.data, attempt: activity.attempt ?? 1 }] : [];
  });
  if (live.length < 2) return undefined;
  const sum = (of: (c: (typeof live)[number]['counts']) => number) => live.reduce((n, l) => n + of(l.counts), 0);
  const base: Progress = queried ?? { phase: 'staging', rows: 0, bytes: 0, batches: 0, attempt: 1, updatedAt: new Date().toISOString() };
  return {
    ...base,
    phase: 'staging',
    step: `${live[0]!.counts.step.replace(/#\d+$/, '')} (${live.length} key ranges running)`,
    rows: Math.max(
      base.rows,
      sum((c) => c.rows),
    ),
    bytes: Math.max(
      base.bytes,
      sum((c) => c.bytes),
    ),
    batches: Math.max(
      base.batches,
      sum((c) => c.batches),
    ),
    attempt: Math.max(...live.map((l) => l.attempt)),
    updatedAt: new Date().toISOString(),
  };
}

type PendingActivities = NonNullable<NonNullable<Awaited<ReturnType<WorkflowHandle['describe']>>>['raw']['pendingActivities']>;
