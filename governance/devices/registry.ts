// A device registry: which devices may send, whose they are and how often they report.

export interface Device {
  readonly id: string;
  /** The owner department's code, e.g. `ecology`. */
  readonly department: string;
  /** How often it reports: silent longer than this (and a grace, see liveness.ts) and it is reported. */
  readonly intervalSeconds: number;
  /** What kind of device (`air-quality`, `water-level`), when the registry says. */
  readonly type?: string;
}

export type DeviceRegistry = ReadonlyMap<string, Device>;

/** A registry from its devices; problems name each duplicate id or impossible interval. */
export function buildRegistry(devices: readonly Device[]): { registry: DeviceRegistry; problems: string[] } {
  const registry = new Map<string, Device>();
  const problems: string[] = [];
  for (const device of devices) {
    if (!device.id) problems.push('a device without an id');
    else if (registry.has(device.id)) problems.push(`device "${device.id}" is listed twice`);
    else if (!Number.isInteger(device.intervalSeconds) || device.intervalSeconds < 1)
      problems.push(`device "${device.id}": interval_seconds must be a whole number of seconds, at least 1 (not ${device.intervalSeconds})`);
    else registry.set(device.id, device);
  }
  return { registry, problems };
}

const HEADER = ['device_id', 'department', 'interval_seconds', 'type'];

function unquote(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1).replaceAll('""', '"') : trimmed;
}

/**
 * The registry file: `device_id,department,interval_seconds[,type]` per line, a header line of those
 * names optional, `#` comments and blank lines skipped. An empty department is the job's. Problems
 * name the line.
 */
export function parseRegistryCsv(text: string, defaultDepartment: string): { devices: Device[]; problems: string[] } {
  const devices: Device[] = [];
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const cells = line.split(',').map(unquote);
    if (cells[0]?.toLowerCase() === HEADER[0]) {
      const header = cells.map((c) => c.toLowerCase());
      if (header.length < 3 || header.length > 4 || header.some((c, i) => c !== HEADER[i]))
        problems.push(`line ${index + 1}: the header must be ${HEADER.slice(0, 3).join(',')}[,type], not ${line.trim()}`);
      continue;
    }
    if (cells.length < 3 || cells.length > 4) {
      problems.push(`line ${index + 1}: expected device_id,department,interval_seconds[,type], got ${cells.length} values`);
      continue;
    }
    const [id, department, interval, type] = cells as [string, string, string, string | undefined];
    const seconds = /^\d+$/.test(interval) ? Number(interval) : Number.NaN;
    if (!id) problems.push(`line ${index + 1}: no device_id`);
    else if (!(seconds >= 1)) problems.push(`line ${index + 1}: interval_seconds of "${id}" must be a whole number of seconds, at least 1 (not "${interval}")`);
    else devices.push({ id, department: department || defaultDepartment, intervalSeconds: seconds, ...(type ? { type } : {}) });
  }
  return { devices, problems };
}
