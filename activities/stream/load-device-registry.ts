import { readFile } from 'node:fs/promises';
import { resolveFilePath, resolvePostgresUrl } from '../../config/connections.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { buildRegistry, type Device, type DeviceRegistry, parseRegistryCsv } from '../../governance/devices/registry.ts';
import type { Config } from '../../schemas/config.ts';
import type { DeviceRegistrySpec } from '../../schemas/stream-ingest-spec.ts';

type RegistrySource = DeviceRegistrySpec['registry'];

async function fromFile(config: Config, ref: Extract<RegistrySource, { type: 'file' }>, department: string): Promise<Device[]> {
  const path = resolveFilePath(config, ref.connection, ref.path);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? new BadInputError(`device registry: file not found: ${path}`) : error;
  });
  const { devices, problems } = parseRegistryCsv(text, department);
  if (problems.length) throw new BadInputError(`device registry ${path}:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return devices;
}

/**
 * A registry table: `column` names the device id; `department`, `interval_seconds` and, if it has one,
 * `type` are read by those names.
 */
async function fromTable(config: Config, ref: Extract<RegistrySource, { type: 'table' }>, department: string): Promise<Device[]> {
  const where = `device registry table ${ref.table} on connection "${ref.connection}"`;
  if (ref.mapTo)
    throw new BadInputError(`${where}: mapTo has no meaning for a device registry (its columns are ${ref.column}, department, interval_seconds[, type])`);
  const client = await connectPostgres(resolvePostgresUrl(config, ref.connection), {
    application: 'dataops-devices',
    label: `device registry connection "${ref.connection}"`,
  });
  try {
    const exists = await client.query('SELECT to_regclass($1) AS oid', [quoteTable(ref.table)]);
    if (!exists.rows[0]?.oid) throw new BadInputError(`${where}: the table does not exist`);
    const columns = await client.query<{ name: string }>(
      'SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped',
      [quoteTable(ref.table)],
    );
    const have = new Set(columns.rows.map((r) => r.name));
    const missing = [ref.column, 'department', 'interval_seconds'].filter((c) => !have.has(c));
    if (missing.length) throw new BadInputError(`${where}: no column ${missing.join(', ')} (it needs ${ref.column}, department, interval_seconds[, type])`);
    const result = await client.query<{ id: string | null; department: string | null; interval: string | null; type: string | null }>(
      `SELECT ${quoteIdent(ref.column)}::text AS id, department::text AS department, interval_seconds::text AS interval,
              ${have.has('type') ? 'type::text' : 'NULL::text'} AS type
       FROM ${quoteTable(ref.table)}`,
    );
    const problems: string[] = [];
    const devices: Device[] = [];
    for (const row of result.rows) {
      const seconds = row.interval !== null && /^\d+$/.test(row.interval) ? Number(row.interval) : Number.NaN;
      if (!row.id) problems.push('a row without a device id');
      else if (!(seconds >= 1))
        problems.push(`device "${row.id}": interval_seconds must be a whole number of seconds, at least 1 (not ${row.interval ?? 'null'})`);
      else devices.push({ id: row.id, department: row.department || department, intervalSeconds: seconds, ...(row.type ? { type: row.type } : {}) });
    }
    if (problems.length) throw new BadInputError(`${where}:\n  ${problems.slice(0, 20).join('\n  ')}`);
    return devices;
  } finally {
    await client.end();
  }
}

/** The job's device registry, from its file, table or inline list; `department` stands in where a device names none. */
export async function loadDeviceRegistry(config: Config, source: RegistrySource, department: string): Promise<DeviceRegistry> {
  const devices =
    source.type === 'inline'
      ? source.devices.map((d) => ({ id: d.id, department: d.department ?? department, intervalSeconds: d.intervalSeconds }))
      : source.type === 'file'
        ? await fromFile(config, source, department)
        : await fromTable(config, source, department);
  const { registry, problems } = buildRegistry(devices);
  if (problems.length) throw new BadInputError(`device registry:\n  ${problems.slice(0, 20).join('\n  ')}`);
  if (!registry.size) throw new BadInputError('device registry: it lists no devices');
  return registry;
}
