import type { Knex } from 'knex';
import { type Liveness, liveness } from '../governance/devices/liveness.ts';

/** One device of a stream-ingest job, as `dataops devices` shows it. */
export interface DeviceStatus {
  job: string;
  deviceId: string;
  department: string;
  type: string | null;
  intervalSeconds: number;
  /** When its latest accepted reading arrived (null: never). */
  lastSeenAt: Date | null;
  /** That reading's own time, by the device's clock. */
  lastReadingAt: Date | null;
  accepted: number;
  quarantined: number;
  liveness: Liveness;
}

/**
 * The devices of the jobs' current registries (of one job, with `job`), by job and device id, each
 * with its liveness judged at the database's clock: the clock the centre's other times are read by.
 */
export async function listDevices(db: Knex, options: { job?: string } = {}): Promise<DeviceStatus[]> {
  const query = db('dataops.device_state').where({ registered: true }).orderBy(['job', 'device_id']);
  if (options.job) query.where({ job: options.job });
  const [rows, clock] = await Promise.all([query, db.raw('SELECT now() AS now')]);
  const nowMs = new Date(clock.rows[0].now).getTime();
  return rows.map((r) => {
    const lastSeenAt = r.last_seen_at ? new Date(r.last_seen_at) : null;
    return {
      job: r.job,
      deviceId: r.device_id,
      department: r.department,
      type: r.device_type,
      intervalSeconds: r.interval_seconds,
      lastSeenAt,
      lastReadingAt: r.last_reading_at ? new Date(r.last_reading_at) : null,
      accepted: Number(r.accepted),
      quarantined: Number(r.quarantined),
      liveness: liveness(lastSeenAt, r.interval_seconds, nowMs),
    };
  });
}

/** Whether any job has written a device registry (so "no devices" can say why). */
export async function jobsWithDevices(db: Knex): Promise<string[]> {
  const rows = await db('dataops.device_state').distinct('job').orderBy('job');
  return rows.map((r) => r.job as string);
}

/** A device's state as one batch changes it: readings it accepted or quarantined, and the latest times. */
export interface DeviceBatchState {
  deviceId: string;
  department: string;
  intervalSeconds: number;
  type: string | null;
  accepted: number;
  quarantined: number;
  /** Ms since the epoch; null when the batch accepted none of its readings. */
  lastSeenAt: number | null;
  lastReadingAt: number | null;
}

/** The one statement both the registration and the batches write with: counts add up, times only move forward. */
const UPSERT = `
  INSERT INTO dataops.device_state AS s
    (job, device_id, department, interval_seconds, device_type, registered, last_seen_at, last_reading_at, accepted, quarantined, run_id, updated_at)
  SELECT $1, d.id, d.department, d.interval_seconds, d.device_type, true, d.seen, d.reading, d.accepted, d.quarantined, $2, now()
  FROM unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::bigint[], $10::bigint[])
    AS d(id, department, interval_seconds, device_type, seen, reading, accepted, quarantined)
  ON CONFLICT (job, device_id) DO UPDATE SET
    department = EXCLUDED.department,
    interval_seconds = EXCLUDED.interval_seconds,
    device_type = EXCLUDED.device_type,
    registered = true,
    last_seen_at = GREATEST(s.last_seen_at, EXCLUDED.last_seen_at),
    last_reading_at = GREATEST(s.last_reading_at, EXCLUDED.last_reading_at),
    accepted = s.accepted + EXCLUDED.accepted,
    quarantined = s.quarantined + EXCLUDED.quarantined,
    run_id = EXCLUDED.run_id,
    updated_at = now()`;

function upsertParams(job: string, runId: string, states: readonly DeviceBatchState[]): unknown[] {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return [
    job,
    runId,
    states.map((s) => s.deviceId),
    states.map((s) => s.department),
    states.map((s) => s.intervalSeconds),
    states.map((s) => s.type),
    states.map((s) => iso(s.lastSeenAt)),
    states.map((s) => iso(s.lastReadingAt)),
    states.map((s) => s.accepted),
    states.map((s) => s.quarantined),
  ];
}

/** Anything that runs a parameterised statement: a pg.Client in the caller's transaction, or a knex transaction. */
export interface Statements {
  query(sql: string, params: unknown[]): Promise<unknown>;
}

/**
 * Adds one batch's device states; called in the transaction that commits the batch's readings, so
 * the counts and times commit (or roll back) with them.
 */
export async function recordDeviceBatch(client: Statements, job: string, runId: string, states: readonly DeviceBatchState[]): Promise<void> {
  if (states.length) await client.query(UPSERT, upsertParams(job, runId, states));
}

/**
 * Writes a job's registry in one transaction of its own: every device listed (new ones with no times
 * and zero counts; known ones take the registry's department and interval), and those the registry
 * no longer lists marked unregistered, their history kept.
 */
export async function registerDevices(client: Statements, job: string, runId: string, devices: readonly RegisteredDevice[]): Promise<void> {
  await client.query('BEGIN', []);
  try {
    for (let i = 0; i < devices.length; i += 10_000) {
      const chunk = devices.slice(i, i + 10_000).map((d) => ({ ...d, accepted: 0, quarantined: 0, lastSeenAt: null, lastReadingAt: null }));
      await recordDeviceBatch(client, job, runId, chunk);
    }
    await client.query(
      `UPDATE dataops.device_state SET registered = false, run_id = $2, updated_at = now()
       WHERE job = $1 AND registered AND NOT (device_id = ANY($3::text[]))`,
      [job, runId, devices.map((d) => d.deviceId)],
    );
    await client.query('COMMIT', []);
  } catch (error) {
    await client.query('ROLLBACK', []).catch(() => undefined);
    throw error;
  }
}

export type RegisteredDevice = Pick<DeviceBatchState, 'deviceId' | 'department' | 'intervalSeconds' | 'type'>;
