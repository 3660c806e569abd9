import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centreDb, closeAllDbs } from '../../db/knex.ts';
import { runCli } from '../support/cli.ts';
import { TEST_DATABASE_URL } from '../support/urls.ts';

// `dataops devices` against the test database; device states written here directly, times relative
// to the database's clock (the one the command judges silence by).
const env = { DATABASE_URL: TEST_DATABASE_URL, DATAOPS_TIME_ZONE: 'Asia/Shanghai' };
const JOB = 'cli-devices-air';
const QUIET_JOB = 'cli-devices-quiet';
const db = centreDb(TEST_DATABASE_URL);

beforeAll(async () => {
  await db('dataops.device_state').whereIn('job', [JOB, QUIET_JOB]).delete();
  const row = (job: string, device: string, interval: number, seenAgo: string | null, extra: Record<string, unknown> = {}) => ({
    job,
    device_id: device,
    department: 'ecology',
    interval_seconds: interval,
    last_seen_at: seenAgo === null ? null : db.raw(`now() - interval '${seenAgo}'`),
    ...extra,
  });
  await db('dataops.device_state').insert([
    row(JOB, 'aq-ok', 300, '1 minute', { device_type: 'air-quality', accepted: 1200, quarantined: 3 }),
    row(JOB, 'aq-late', 300, '12 minutes 30 seconds', { accepted: 80 }),
    row(JOB, 'aq-new', 60, null),
    row(JOB, 'aq-gone', 60, '30 days', { registered: false }),
    row(QUIET_JOB, 'q-1', 3600, '10 minutes'),
  ]);
});

afterAll(async () => {
  await db('dataops.device_state').whereIn('job', [JOB, QUIET_JOB]).delete();
  await closeAllDbs();
});

describe('dataops devices', () => {
  it("lists a job's registered devices with department, interval, last seen and status", () => {
    const result = runCli(['devices', '--job', JOB], env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`3 devices of job ${JOB}: 1 silent, 1 never seen`);
    expect(lines[1]).toMatch(/^job +device +department +type +interval +last seen \(Asia\/Shanghai\) +accepted +quarantined +status$/);
    const byDevice = Object.fromEntries(lines.slice(3).map((l) => [l.split(/\s+/)[1], l]));
    expect(Object.keys(byDevice)).toEqual(['aq-late', 'aq-new', 'aq-ok']);
    expect(byDevice['aq-ok']).toMatch(/ecology +air-quality +5m +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +1200 +3 +ok$/);
    expect(byDevice['aq-late']).toMatch(/5m .* 80 +0 +silent for 12m \(interval 5m\)$/);
    expect(byDevice['aq-new']).toMatch(/1m +never +0 +0 +never seen$/);
  });

  it('--silent shows only those needing attention, longest silent first, and exits 1', () => {
    const result = runCli(['devices', '--job', JOB, '--silent'], env);
    expect(result.status).toBe(1);
    const devices = result.stdout
      .trimEnd()
      .split('\n')
      .slice(3)
      .map((l) => l.split(/\s+/)[1]);
    expect(devices).toEqual(['aq-late', 'aq-new']);
    const quiet = runCli(['devices', '--job', QUIET_JOB, '--silent'], env);
    expect(quiet.status).toBe(0);
    expect(quiet.stdout).toBe(`1 device of job ${QUIET_JOB}: all reporting\n`);
  });

  it('--json gives times, counts as numbers and the status', () => {
    const result = runCli(['devices', '--job', JOB, '--json'], env);
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.deviceId, r.status])).toEqual([
      ['aq-late', 'silent'],
      ['aq-new', 'never-seen'],
      ['aq-ok', 'ok'],
    ]);
    expect(rows[0]).toMatchObject({ job: JOB, department: 'ecology', intervalSeconds: 300, accepted: 80, quarantined: 0, lastReadingAt: null });
    expect(rows[0]!.silentForSeconds).toBeGreaterThanOrEqual(750);
    expect(Date.parse(rows[2]!.lastSeenAt as string)).toBeGreaterThan(Date.now() - 10 * 60_000);
    const silent = JSON.parse(runCli(['devices', '--job', JOB, '--json', '--silent'], env).stdout) as { deviceId: string }[];
    expect(silent.map((r) => r.deviceId)).toEqual(['aq-late', 'aq-new']);
  });

  it('every job without --job; an unknown job names the jobs that have devices', () => {
    const all = runCli(['devices'], env);
    expect(all.status).toBe(0);
    expect(all.stdout).toContain(`q-1`);
    expect(all.stdout).toContain('aq-late');
    expect(all.stdout).not.toContain('aq-gone');
    const unknown = runCli(['devices', '--job', 'no-such-job'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(new RegExp(`^job "no-such-job" has no devices \\(jobs with devices: .*${JOB}, ${QUIET_JOB}`));
  });
});
