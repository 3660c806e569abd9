import type { Client, ScheduleDescription } from '@temporalio/client';
import { loadConfig } from '../../config/load-config.ts';
import { withTemporal } from '../temporal-client.ts';
import { appliedWhen, describeSchedule, existingSchedules, planSchedules, putSchedule, scheduleOptions } from '../../client/schedules.ts';
import { loadScheduleFile, loadSchedules } from '../load-schedule.ts';
import { formatTable } from '../format-table.ts';

async function found(client: Client, id: string): Promise<ScheduleDescription | undefined> {
  const described = await describeSchedule(client, id);
  if (!described) console.error(`no schedule "${id}" (see: dataops schedule list)`);
  return described;
}

const when = (d: Date | undefined) =>
  d
    ? d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '';

/** Creates or updates one schedule from its file. */
export function scheduleCreateCommand(file: string): Promise<number> {
  const loaded = loadScheduleFile(file);
  return withTemporal(async (client) => {
    const change = await putSchedule(client, scheduleOptions(loaded, loadConfig()));
    console.log(
      `${change} schedule ${loaded.schedule.schedule}: ${loaded.spec.kind} ${loaded.spec.job} ${loaded.schedule.cron ? `at cron ${loaded.schedule.cron.join(' | ')}` : `every ${loaded.schedule.every}`} (${loaded.schedule.timeZone})`,
    );
    return 0;
  });
}

/** Makes the server's dataops schedules match the files: prints the plan, then carries it out. Idempotent. */
export function scheduleApplyCommand(paths: string[], options: { prune?: boolean; dryRun?: boolean }): Promise<number> {
  const desired = loadSchedules(paths);
  return withTemporal(async (client) => {
    const config = loadConfig();
    const existing = await existingSchedules(
      client,
      desired.map((d) => d.schedule.schedule),
      Boolean(options.prune),
    );
    const plan = planSchedules(desired, existing, Boolean(options.prune));
    for (const step of plan)
      console.log(`${{ create: '+', update: '~', delete: '-', unchanged: '=' }[step.change]} ${step.id}  ${step.change}${step.file ? `  (${step.file})` : ''}`);
    if (options.dryRun) return 0;
    for (const step of plan) {
      if (step.change === 'delete') await client.schedule.getHandle(step.id).delete();
      else if (step.change !== 'unchanged') await putSchedule(client, scheduleOptions(desired.find((d) => d.schedule.schedule === step.id)!, config));
    }
    const done = { create: 'created', update: 'updated', delete: 'deleted', unchanged: 'unchanged' } as const;
    console.log((Object.keys(done) as (keyof typeof done)[]).map((c) => `${plan.filter((p) => p.change === c).length} ${done[c]}`).join(', '));
    return 0;
  });
}

export function scheduleListCommand(options: { json?: boolean }): Promise<number> {
  return withTemporal(async (client) => {
    const rows: ScheduleDescription[] = [];
    for await (const summary of client.schedule.list()) {
      const described = await describeSchedule(client, summary.scheduleId);
      if (described) rows.push(described);
    }
    if (options.json) {
      console.log(
        JSON.stringify(
          rows.map((d) => ({ id: d.scheduleId, spec: d.spec, paused: d.state.paused, note: d.state.note, next: d.info.nextActionTimes[0] })),
          null,
          2,
        ),
      );
      return 0;
    }
    if (!rows.length) {
      console.log('no schedules (create one: dataops schedule apply samples/schedules/)');
      return 0;
    }
    console.log(
      formatTable(
        ['schedule', 'when', 'zone', 'workflow', 'state', 'next run', 'last run'],
        rows.map((d) => [
          d.scheduleId,
          appliedWhen(d),
          d.spec.timezone ?? 'UTC',
          d.action.type === 'startWorkflow' ? d.action.workflowType : '',
          d.state.paused ? `paused${d.state.note ? `: ${d.state.note}` : ''}` : 'active',
          when(d.info.nextActionTimes[0]),
          when(d.info.recentActions.at(-1)?.scheduledAt),
        ]),
      ),
    );
    return 0;
  });
}

/** One schedule: its spec and policies, the next five fire times, and its recent runs with their outcome. */
export function scheduleDescribeCommand(id: string, options: { json?: boolean }): Promise<number> {
  return withTemporal(async (client) => {
    const d = await found(client, id);
    if (!d) return 1;
    const recent = await Promise.all(
      d.info.recentActions.slice(-10).map(async (a) => {
        const status = await client.workflow
          .getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId)
          .describe()
          .then((w) => w.status.name.toLowerCase())
          .catch(() => 'unknown');
        return { scheduledAt: a.scheduledAt, takenAt: a.takenAt, workflowId: a.action.workflow.workflowId, status };
      }),
    );
    if (options.json) {
      console.log(
        JSON.stringify({ id, spec: d.spec, policies: d.policies, state: d.state, next: d.info.nextActionTimes.slice(0, 5), recent, counts: d.info }, null, 2),
      );
      return 0;
    }
    console.log(`${id}  ${d.state.paused ? `paused${d.state.note ? ` (${d.state.note})` : ''}` : 'active'}`);
    console.log(`  ${appliedWhen(d)} in ${d.spec.timezone ?? 'UTC'}${d.spec.jitter ? ` · jitter up to ${d.spec.jitter} ms` : ''}`);
    console.log(`  overlap ${(d.policies.overlap ?? 'SKIP').toLowerCase()} · catch-up window ${Math.round(d.policies.catchupWindow / 60_000)} min`);
    if (d.action.type === 'startWorkflow') console.log(`  starts ${d.action.workflowType} on task queue ${d.action.taskQueue}`);
    console.log(
      `  runs taken ${d.info.numActionsTaken} · missed (outside the catch-up window) ${d.info.numActionsMissedCatchupWindow} · skipped (overlap) ${d.info.numActionsSkippedOverlap}`,
    );
    console.log(
      `\nnext runs:\n${
        d.info.nextActionTimes
          .slice(0, 5)
          .map((t) => `  ${when(t)}`)
          .join('\n') || '  (none: paused or ended)'
      }`,
    );
    if (recent.length) {
      console.log('\nrecent runs:');
      console.log(
        formatTable(
          ['scheduled for', 'started', 'run', 'outcome'],
          recent.map((r) => [when(r.scheduledAt), when(r.takenAt), r.workflowId, r.status]),
        ),
      );
    }
    return 0;
  });
}

export function schedulePauseCommand(id: string, options: { note?: string }, pause: boolean): Promise<number> {
  return withTemporal(async (client) => {
    if (!(await found(client, id))) return 1;
    const handle = client.schedule.getHandle(id);
    if (pause) await handle.pause(options.note ?? 'paused with dataops schedule pause');
    else await handle.unpause(options.note ?? 'unpaused with dataops schedule unpause');
    console.log(`${pause ? 'paused' : 'unpaused'} ${id}${options.note ? `: ${options.note}` : ''}`);
    return 0;
  });
}

export function scheduleTriggerCommand(id: string): Promise<number> {
  return withTemporal(async (client) => {
    if (!(await found(client, id))) return 1;
    await client.schedule.getHandle(id).trigger();
    console.log(`triggered ${id}: a run starts now (follow it: dataops runs --job ...; or dataops schedule describe ${id})`);
    return 0;
  });
}

/** Runs the schedule for every time it would have fired between two instants, each run with that time as its logical date. */
export function scheduleBackfillCommand(id: string, options: { from: string; to: string; overlap?: string }): Promise<number> {
  const start = new Date(options.from);
  const end = new Date(options.to);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) {
    console.error('--from and --to must be times, --from before --to (e.g. --from 2026-11-24T00:00+08:00 --to 2026-12-01T00:00+08:00)');
    return Promise.resolve(1);
  }
  return withTemporal(async (client) => {
    if (!(await found(client, id))) return 1;
    await client.schedule.getHandle(id).backfill({ start, end, overlap: 'ALLOW_ALL' });
    console.log(`backfilling ${id} from ${when(start)} to ${when(end)}: one run per time it would have fired, each dated with that time`);
    return 0;
  });
}

export function scheduleDeleteCommand(id: string): Promise<number> {
  return withTemporal(async (client) => {
    if (!(await found(client, id))) return 1;
    await client.schedule.getHandle(id).delete();
    console.log(`deleted schedule ${id} (runs it started are kept)`);
    return 0;
  });
}
