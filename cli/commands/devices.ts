import { type DeviceStatus, jobsWithDevices, listDevices } from '../../catalogue/devices.ts';
import { livenessText, needingAttention } from '../../governance/devices/liveness.ts';
import { spanText } from '../../governance/devices/span-text.ts';
import { loadConfig } from '../../config/load-config.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatInZone } from '../day-range.ts';
import { formatTable } from '../format-table.ts';

export interface DevicesOptions {
  job?: string;
  silent?: boolean;
  json?: boolean;
}

function asJson(d: DeviceStatus) {
  return {
    job: d.job,
    deviceId: d.deviceId,
    department: d.department,
    type: d.type,
    intervalSeconds: d.intervalSeconds,
    lastSeenAt: d.lastSeenAt,
    lastReadingAt: d.lastReadingAt,
    accepted: d.accepted,
    quarantined: d.quarantined,
    status: d.liveness.status,
    silentForSeconds: d.liveness.status === 'silent' ? Math.floor(d.liveness.silentForMs / 1000) : null,
  };
}

/**
 * The devices of the stream-ingest jobs' registries: department, when each was last heard from, its
 * declared interval and whether it has gone silent. With --silent only those needing attention, and
 * exit 1 if there are any, so a monitor can call it.
 */
export function devicesCommand(options: DevicesOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const { timeZone } = loadConfig();
    const all = await listDevices(db, { job: options.job });
    if (!all.length) {
      const jobs = await jobsWithDevices(db);
      if (options.json) console.log('[]');
      else if (options.job) console.error(`job "${options.job}" has no devices${jobs.length ? ` (jobs with devices: ${jobs.join(', ')})` : ''}`);
      else console.log('no devices yet: a stream-ingest job lists its device registry here when it starts');
      return options.job && !options.json ? 1 : 0;
    }
    const attention = needingAttention(all);
    const shown = options.silent ? attention : all;
    if (options.json) {
      console.log(JSON.stringify(shown.map(asJson), null, 2));
      return options.silent && attention.length ? 1 : 0;
    }
    const silent = attention.filter((d) => d.liveness.status === 'silent').length;
    const never = attention.length - silent;
    const jobs = new Set(all.map((d) => d.job)).size;
    console.log(
      `${all.length} device${all.length === 1 ? '' : 's'}${jobs > 1 ? ` of ${jobs} jobs` : ` of job ${all[0]!.job}`}: ${
        attention.length ? `${silent} silent, ${never} never seen` : 'all reporting'
      }`,
    );
    if (shown.length)
      console.log(
        formatTable(
          ['job', 'device', 'department', 'type', 'interval', `last seen (${timeZone})`, 'accepted', 'quarantined', 'status'],
          shown.map((d) => [
            d.job,
            d.deviceId,
            d.department,
            d.type,
            spanText(d.intervalSeconds * 1000),
            d.lastSeenAt ? formatInZone(d.lastSeenAt, timeZone) : 'never',
            d.accepted,
            d.quarantined,
            livenessText(d.liveness, d.intervalSeconds),
          ]),
        ),
      );
    return options.silent && attention.length ? 1 : 0;
  });
}
