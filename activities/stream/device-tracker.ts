import type pg from 'pg';
import { type DeviceBatchState, recordDeviceBatch, registerDevices } from '../../catalogue/devices.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { checkReading, type ReadingLayout, readingLayout, readingTime } from '../../governance/devices/check-reading.ts';
import type { DeviceRegistry } from '../../governance/devices/registry.ts';
import type { Reason } from '../../governance/rules/types.ts';
import { durationMs } from '../../schemas/duration.ts';
import type { Config } from '../../schemas/config.ts';
import type { StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import { loadDeviceRegistry } from './load-device-registry.ts';

/**
 * A stream's devices during ingest: each message's reading checked against the registry, and the
 * batch's device states (last seen, counts) written in the batch's own transaction. `values` are a
 * decoded message's fields as text in the `fieldNames` order the tracker was opened with.
 */
export interface DeviceTracker {
  /** Null when the reading may enter; else why not. A rejected reading of a known device counts as quarantined. */
  check(values: readonly (string | null)[], now: Date): Reason | null;
  /**
   * A reading that check() passed and the batch writes. `arrivedAt` (default: now) is when it reached
   * the centre: the device's last-seen time. Call it for readings written, not for copies the dedupe
   * key drops, or a redelivered reading counts twice.
   */
  accepted(values: readonly (string | null)[], arrivedAt?: Date): void;
  /** A reading check() passed that the batch quarantines for another reason (types, cleanse rules). */
  quarantined(values: readonly (string | null)[]): void;
  /** Adds the batch's device states inside the caller's open transaction, then starts the next batch. */
  commit(client: pg.Client): Promise<void>;
  /** Forgets the batch's states without writing them: its transaction failed, and its messages come again. */
  discard(): void;
}

interface Pending {
  accepted: number;
  quarantined: number;
  lastSeenAt: number | null;
  lastReadingAt: number | null;
}

/**
 * Loads the job's device registry, writes it to `dataops.device_state` (so devices never heard from
 * are listed too) and returns the tracker. Registry problems are bad input.
 */
export async function openDeviceTracker(config: Config, spec: StreamIngestJobSpec, runId: string, fieldNames: readonly string[]): Promise<DeviceTracker> {
  const devices = spec.devices;
  if (!devices) throw new BadInputError(`job ${spec.job} declares no devices`);
  const { layout, problems } = readingLayout(
    {
      deviceField: devices.deviceField,
      timestampField: devices.timestampField,
      maxClockSkewMs: durationMs(devices.maxClockSkew)!,
      maxAgeMs: durationMs(devices.maxAge)!,
      ranges: devices.ranges,
    },
    fieldNames,
  );
  if (problems.length) throw new BadInputError(`devices of job ${spec.job}: ${problems.join('; ')}`);
  const registry = await loadDeviceRegistry(config, devices.registry, spec.department);
  const client = await connectPostgres(config.databaseUrl, { application: 'dataops-devices', label: 'the centre database' });
  try {
    await registerDevices(
      client,
      spec.job,
      runId,
      [...registry.values()].map((d) => ({ deviceId: d.id, department: d.department, intervalSeconds: d.intervalSeconds, type: d.type ?? null })),
    );
  } finally {
    await client.end();
  }
  return deviceTracker(spec.job, runId, registry, layout);
}

/** The tracker over a loaded registry (exported for tests that bring their own). */
export function deviceTracker(job: string, runId: string, registry: DeviceRegistry, layout: ReadingLayout): DeviceTracker {
  let pending = new Map<string, Pending>();
  const of = (id: string): Pending => {
    let p = pending.get(id);
    if (!p) {
      p = { accepted: 0, quarantined: 0, lastSeenAt: null, lastReadingAt: null };
      pending.set(id, p);
    }
    return p;
  };
  const known = (values: readonly (string | null)[]) => {
    const id = values[layout.device];
    return id && registry.has(id) ? id : undefined;
  };
  return {
    check(values, now) {
      const reason = checkReading(values, layout, registry, now.getTime());
      const id = reason ? known(values) : undefined;
      if (id) of(id).quarantined++;
      return reason;
    },
    accepted(values, arrivedAt = new Date()) {
      const id = known(values);
      if (!id) return;
      const p = of(id);
      p.accepted++;
      p.lastSeenAt = Math.max(p.lastSeenAt ?? 0, arrivedAt.getTime());
      const at = readingTime(values, layout);
      if (!Number.isNaN(at)) p.lastReadingAt = Math.max(p.lastReadingAt ?? Number.NEGATIVE_INFINITY, at);
    },
    quarantined(values) {
      const id = known(values);
      if (id) of(id).quarantined++;
    },
    async commit(client) {
      const batch = pending;
      pending = new Map();
      const states: DeviceBatchState[] = [];
      for (const [id, p] of batch) {
        const device = registry.get(id)!;
        states.push({ deviceId: id, department: device.department, intervalSeconds: device.intervalSeconds, type: device.type ?? null, ...p });
      }
      await recordDeviceBatch(client, job, runId, states);
    },
    discard() {
      pending = new Map();
    },
  };
}
