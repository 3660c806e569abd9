import { ScheduleNotFoundError, type Client, type ScheduleDescription, type ScheduleOptions, type ScheduleOverlapPolicy } from '@temporalio/client';
import type { Config } from '../schemas/config.ts';
import type { RunnableSpec } from '../schemas/pipeline-spec.ts';
import type { ScheduleFile } from '../schemas/schedule.ts';
import { durationMs } from '../schemas/duration.ts';
import { jobSearchAttributes, staticDetails, staticSummary } from '../workflows/job-labels.ts';
import { scheduledInput } from './start-job.ts';
import { workflowTypeOf } from '../workflows/definitions.ts';

/** Marks the schedules `schedule apply` manages (it deletes only those), and the hash of the file they came from. */
export const MANAGED_BY = 'dataops';

export interface DesiredSchedule {
  schedule: ScheduleFile;
  spec: RunnableSpec;
  hash: string;
  file?: string;
}

/** How the file says when to run (the server keeps cron only in its own calendar form). */
export function whenText(schedule: ScheduleFile): string {
  return schedule.cron ? `cron ${schedule.cron.join(' | ')}` : `every ${schedule.every}`;
}

/** What a described schedule was applied with, from its action's memo. */
export function appliedWhen(described: ScheduleDescription): string {
  return (
    (described.action as { memo?: { when?: string } }).memo?.when ??
    `${(described.spec.calendars ?? []).length} calendar(s), ${(described.spec.intervals ?? []).length} interval(s)`
  );
}

/** The Temporal schedule for a schedule file: a fresh run of the job each time, filterable in the UI like any run. */
export function scheduleOptions(desired: DesiredSchedule, config: Config): ScheduleOptions {
  const { schedule, spec } = desired;
  return {
    scheduleId: schedule.schedule,
    spec: {
      ...(schedule.cron ? { cronExpressions: schedule.cron } : { intervals: [{ every: durationMs(schedule.every!)! }] }),
      timezone: schedule.timeZone,
      ...(schedule.jitter ? { jitter: durationMs(schedule.jitter)! } : {}),
    },
    action: {
      type: 'startWorkflow',
      workflowType: workflowTypeOf(spec.kind),
      // Temporal appends the scheduled time: collect:minhang-residents:sched-2026-12-02T02:00:00Z.
      workflowId: `${spec.kind}:${spec.dataset}:sched`,
      taskQueue: config.temporal.taskQueue,
      args: [scheduledInput(spec, schedule.schedule)],
      typedSearchAttributes: jobSearchAttributes(spec),
      staticSummary: `${staticSummary(spec)} · schedule ${schedule.schedule}`,
      staticDetails: staticDetails(spec),
      // Every run it starts can tell which schedule and which version of the file started it.
      memo: { schedule: schedule.schedule, specHash: desired.hash, when: whenText(schedule) },
    },
    policies: { overlap: schedule.overlap.toUpperCase() as ScheduleOverlapPolicy, catchupWindow: durationMs(schedule.catchupWindow)! },
    state: { paused: schedule.paused, ...(schedule.note ? { note: schedule.note } : {}) },
    memo: { managedBy: MANAGED_BY, ...(schedule.description ? { description: schedule.description } : {}), ...(desired.file ? { file: desired.file } : {}) },
  };
}

export async function describeSchedule(client: Client, id: string): Promise<ScheduleDescription | undefined> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  }
}

/** Creates the schedule, or replaces an existing one's spec, action, policies and state with the file's. */
export async function putSchedule(client: Client, options: ScheduleOptions): Promise<'created' | 'updated'> {
  const existing = await describeSchedule(client, options.scheduleId);
  if (!existing) {
    await client.schedule.create(options);
    return 'created';
  }
  await client.schedule.getHandle(options.scheduleId).update((previous) => ({
    ...previous,
    spec: options.spec,
    action: options.action as typeof previous.action,
    policies: { ...previous.policies, ...options.policies },
    state: { ...previous.state, paused: options.state?.paused ?? false, note: options.state?.note },
  }));
  return 'updated';
}

export interface ScheduleChange {
  id: string;
  change: 'create' | 'update' | 'delete' | 'unchanged';
  file?: string;
}

/** The hash of the file a schedule was last applied from (undefined: made some other way). */
function appliedHash(described: ScheduleDescription): string | undefined {
  return (described.action as { memo?: { specHash?: string } }).memo?.specHash;
}

/**
 * The schedules `apply` must compare with, by id: each one the files name, described directly (the
 * schedule list lags behind creations), and with `prune` every dataops-managed one the list shows.
 */
export async function existingSchedules(client: Client, ids: readonly string[], prune: boolean): Promise<Map<string, string | undefined>> {
  const found = new Map<string, string | undefined>();
  for (const id of ids) {
    const described = await describeSchedule(client, id);
    if (described) found.set(id, appliedHash(described));
  }
  if (prune) {
    for await (const summary of client.schedule.list()) {
      if ((summary.memo as { managedBy?: string } | undefined)?.managedBy !== MANAGED_BY || found.has(summary.scheduleId)) continue;
      const described = await describeSchedule(client, summary.scheduleId);
      if (described) found.set(summary.scheduleId, appliedHash(described));
    }
  }
  return found;
}

/** What `apply` would do to make the server's dataops schedules match the files. */
export function planSchedules(desired: readonly DesiredSchedule[], existing: ReadonlyMap<string, string | undefined>, prune: boolean): ScheduleChange[] {
  const changes: ScheduleChange[] = desired.map((d) => {
    const id = d.schedule.schedule;
    const change = !existing.has(id) ? 'create' : existing.get(id) === d.hash ? 'unchanged' : 'update';
    return { id, change, file: d.file };
  });
  if (prune) {
    const wanted = new Set(desired.map((d) => d.schedule.schedule));
    for (const id of existing.keys()) if (!wanted.has(id)) changes.push({ id, change: 'delete' });
  }
  return changes;
}
