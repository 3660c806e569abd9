import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { runCliAsync } from '../support/cli.ts';
import { loadScheduleFile } from '../../cli/load-schedule.ts';
import { describeSchedule, putSchedule, scheduleOptions } from '../../client/schedules.ts';
import { DataOpsDataset, DataOpsJob } from '../../workflows/definitions.ts';
import { closeAllDbs } from '../../db/knex.ts';

// Schedules on the real dev server: they fire on their own, their runs are named and dated by the
// schedule, backfills create the runs of a past window, and schedules as code apply idempotently.
const dir = mkdtempSync(join(tmpdir(), 'dataops-schedules-'));
let env: TestEnv;
let cliEnv: NodeJS.ProcessEnv;
writeFileSync(join(dir, 'tiny.csv'), 'id,name\n1,a\n2,b\n');
writeFileSync(
  join(dir, 'collect-tiny.yaml'),
  'kind: collect\njob: sched-tiny\ndataset: sched-tiny\ndepartment: test\nsource: { type: file, path: tiny.csv }\ntarget: { table: raw.sched_tiny }\n',
);
const scheduleFile = (name: string, when: string, extra = '') => {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `schedule: ${name}\njob: collect-tiny.yaml\n${when}\ncatchupWindow: 10m\n${extra}`);
  return path;
};

beforeAll(async () => {
  env = await startTestEnv('test-schedules');
  cliEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: env.taskQueue };
});
afterAll(async () => {
  for (const id of ['test-every', 'test-backfill', 'test-apply']) {
    await env.client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  }
  await env.stop();
  await closeAllDbs();
});

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('schedules', () => {
  it('a schedule with a seconds interval fires; each run has its own id, the search attributes and its scheduled time as logical date', async () => {
    const loaded = loadScheduleFile(scheduleFile('test-every', 'every: 2s'));
    expect(await putSchedule(env.client, scheduleOptions(loaded, env.config))).toBe('created');
    const handle = env.client.schedule.getHandle('test-every');
    const fired = await until(async () => {
      const d = await handle.describe();
      return d.info.recentActions.length >= 2 ? d.info.recentActions : undefined;
    }, 'two runs');
    for (const action of fired.slice(0, 2)) {
      const workflowId = action.action.workflow.workflowId;
      const run = await env.client.workflow.getHandle(workflowId).result();
      expect((run as { runId: string }).runId).toBe(workflowId);
      const described = await env.client.workflow.getHandle(workflowId).describe();
      expect(described.typedSearchAttributes.get(DataOpsJob)).toBe('sched-tiny');
      expect(described.typedSearchAttributes.get(DataOpsDataset)).toBe('sched-tiny');
      const record = await env.db('dataops.runs').where({ run_id: workflowId }).first('status', 'logical_date');
      expect(record.status).toBe('succeeded');
      expect(new Date(record.logical_date).getTime()).toBe(action.scheduledAt.getTime());
    }

    // Pause: no more runs start; trigger starts one anyway; unpause; delete.
    await handle.pause('maintenance window');
    const paused = await handle.describe();
    expect(paused.state).toMatchObject({ paused: true, note: 'maintenance window' });
    const before = paused.info.numActionsTaken;
    await new Promise((r) => setTimeout(r, 5_000));
    expect((await handle.describe()).info.numActionsTaken).toBe(before);
    await handle.trigger();
    await until(async () => ((await handle.describe()).info.numActionsTaken === before + 1 ? true : undefined), 'the triggered run');
    await handle.unpause();
    expect((await handle.describe()).state.paused).toBe(false);
    await handle.delete();
    expect(await describeSchedule(env.client, 'test-every')).toBeUndefined();
  });

  it('a backfill over a past window creates its runs, each dated with the time it stands for', async () => {
    const loaded = loadScheduleFile(scheduleFile('test-backfill', "cron: '*/10 * * * *'", 'paused: true\nnote: backfills only\n'));
    await putSchedule(env.client, scheduleOptions(loaded, env.config));
    const start = new Date('2026-11-24T02:00:00+08:00');
    const end = new Date('2026-11-24T02:25:00+08:00');
    const result = await runCliAsync(['schedule', 'backfill', 'test-backfill', '--from', start.toISOString(), '--to', end.toISOString()], cliEnv);
    expect(result.stdout).toContain('backfilling test-backfill');
    const runs = await until(async () => {
      const rows = await env
        .db('dataops.runs')
        .where({ job: 'sched-tiny', status: 'succeeded' })
        .whereBetween('logical_date', [start, end])
        .orderBy('logical_date');
      return rows.length >= 3 ? rows : undefined;
    }, 'three backfilled runs');
    expect(runs.map((r) => new Date(r.logical_date).toISOString())).toEqual([
      '2026-11-23T18:00:00.000Z',
      '2026-11-23T18:10:00.000Z',
      '2026-11-23T18:20:00.000Z',
    ]);
  });

  it('schedule apply creates, then changes nothing the second time, then updates what the file changed', async () => {
    // As in samples/: the schedules in a folder of their own, the jobs they run beside it.
    const folder = mkdtempSync(join(dir, 'apply-'));
    const file = join(folder, 'apply.yaml');
    writeFileSync(file, "schedule: test-apply\njob: ../collect-tiny.yaml\ncron: '0 2 * * *'\ncatchupWindow: 6h\npaused: true\n");
    const first = await runCliAsync(['schedule', 'apply', folder], cliEnv);
    expect(first.stdout).toContain('+ test-apply  create');
    const second = await runCliAsync(['schedule', 'apply', folder], cliEnv);
    expect(second.stdout).toContain('= test-apply  unchanged');
    expect(second.stdout).toContain('0 created, 0 updated, 0 deleted, 1 unchanged');
    writeFileSync(file, "schedule: test-apply\njob: ../collect-tiny.yaml\ncron: '30 3 * * *'\ncatchupWindow: 6h\npaused: true\n");
    const third = await runCliAsync(['schedule', 'apply', folder], cliEnv);
    expect(third.stdout).toContain('~ test-apply  update');
    const described = await runCliAsync(['schedule', 'describe', 'test-apply'], cliEnv);
    expect(described.stdout).toContain('cron 30 3 * * * in Asia/Shanghai');
    expect(described.stdout).toContain('catch-up window 360 min');
  });

  it('refuses an invalid cron or time zone before anything is created', async () => {
    const badCron = await runCliAsync(['schedule', 'apply', scheduleFile('bad-cron', "cron: '0 25 * * *'")], cliEnv);
    expect(badCron.status).toBe(2);
    expect(badCron.stderr).toMatch(/cron "0 25 \* \* \*", hour: "25" is not a hour \(0-23\)/);
    const badZone = await runCliAsync(['schedule', 'apply', scheduleFile('bad-zone', "cron: '0 2 * * *'\ntimeZone: Asia/Shangai")], cliEnv);
    expect(badZone.status).toBe(2);
    expect(badZone.stderr).toMatch(/timeZone: is not a time zone/);
    expect(await describeSchedule(env.client, 'bad-cron')).toBeUndefined();
  });
});
