import { readdirSync, readFileSync } from 'node:fs';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Peak resident set size of this process so far, in MB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function parseBenchArgs<T extends Record<string, number>>(defaults: T): T {
  const result: Record<string, number> = { ...defaults };
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]?.replace(/^--/, '');
    const value = Number(args[i + 1]);
    if (!key || !(key in defaults) || !Number.isFinite(value))
      throw new Error(
        `usage: ${Object.keys(defaults)
          .map((k) => `--${k} N`)
          .join(' ')}`,
      );
    result[key] = value;
  }
  return result as T;
}

/**
 * CPU seconds used so far by this process and by local PostgreSQL server processes (read from /proc;
 * postgres is null where that is not readable). On a machine with few cores, where the time goes
 * between the two decides what a faster pipeline can gain.
 */
export function cpuSeconds(): { self: number; postgres: number | null } {
  const usage = process.cpuUsage();
  return { self: (usage.user + usage.system) / 1e6, postgres: postgresCpuSeconds() };
}

function postgresCpuSeconds(): number | null {
  try {
    const ticksPerSecond = 100; // USER_HZ on Linux
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      // Fields 14-17 of /proc/<pid>/stat: utime, stime and the reaped children's (ended backends count
      // towards the postmaster), counted from after the command name.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    }
    return ticks / ticksPerSecond;
  } catch {
    return null;
  }
}

/** CPU seconds between two readings, for a benchmark line. */
export function cpuSpent(before: ReturnType<typeof cpuSeconds>, after: ReturnType<typeof cpuSeconds>): string {
  const self = (after.self - before.self).toFixed(1);
  const pg = before.postgres === null || after.postgres === null ? 'n/a' : (after.postgres - before.postgres).toFixed(1);
  return `cpu: this process ${self} s, postgres ${pg} s`;
}
