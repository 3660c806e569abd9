import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDeviceTracker } from '../../activities/stream/device-tracker.ts';
import { listDevices } from '../../catalogue/devices.ts';
import { loadConfig } from '../../config/load-config.ts';
import { centreDb, closeAllDbs } from '../../db/knex.ts';
import { type StreamIngestJobSpec, streamIngestJobSpecSchema } from '../../schemas/job-spec.ts';
import { withSourceDb } from '../support/source-db.ts';
import { TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';

// The device tracker against the real centre database: the registry from a file, a table or the spec,
// written to dataops.device_state on open; each batch's device states in the batch's own transaction.
const folder = mkdtempSync(join(tmpdir(), 'dataops-devices-'));
const configFile = join(folder, 'dataops.config.yaml');
writeFileSync(
  configFile,
  `connections:\n  registry_files:\n    type: files\n    root: ${folder}\n  registry_db:\n    type: postgres\n    url: ${TEST_SOURCE_DATABASE_URL}\n`,
);
const config = loadConfig({ DATABASE_URL: TEST_DATABASE_URL, DATAOPS_CONFIG: configFile });
const db = centreDb(TEST_DATABASE_URL);
const FIELDS = ['device_id', 'ts', 'temperature'];
const NOW = new Date('2026-12-01T08:00:00Z');

function spec(job: string, registry: unknown): StreamIngestJobSpec {
  return streamIngestJobSpecSchema.parse({
    kind: 'stream-ingest',
    job,
    dataset: job,
    department: 'ecology',
    source: { type: 'mqtt', connection: 'iot', topics: ['iot/+/+/telemetry'] },
    fields: { device_id: { type: 'string', required: true }, ts: { type: 'timestamp', required: true }, temperature: { type: 'number' } },
    devices: { registry, deviceField: 'device_id', timestampField: 'ts', ranges: { temperature: { min: -40, max: 85 } } },
    target: { table: `raw.${job.replaceAll('-', '_')}` },
  });
}

async function inTransaction(body: (client: pg.Client) => Promise<void>, commit = true): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query('BEGIN');
    await body(client);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
  } finally {
    await client.end();
  }
}

const stateOf = async (job: string) => Object.fromEntries((await db('dataops.device_state').where({ job }).orderBy('device_id')).map((r) => [r.device_id, r]));

beforeAll(async () => {
  writeFileSync(join(folder, 'devices.csv'), 'device_id,department,interval_seconds,type\naq-1,,60,air-quality\naq-2,water,300,water-level\n');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.it_device_registry');
    await client.query('CREATE TABLE public.it_device_registry (serial text, department text, interval_seconds int, type text)');
    await client.query("INSERT INTO public.it_device_registry VALUES ('t-1', 'transport', 30, 'counter'), ('t-2', NULL, 120, NULL)");
  });
});
afterAll(async () => {
  await closeAllDbs();
});

describe('openDeviceTracker', () => {
  it('registers the file registry with zero counts, so devices never heard from are listed', async () => {
    await openDeviceTracker(config, spec('it-devices-file', { type: 'file', connection: 'registry_files', path: 'devices.csv' }), 'run-1', FIELDS);
    const state = await stateOf('it-devices-file');
    expect(Object.keys(state)).toEqual(['aq-1', 'aq-2']);
    expect(state['aq-1']).toMatchObject({ department: 'ecology', interval_seconds: 60, device_type: 'air-quality', registered: true, last_seen_at: null });
    expect(state['aq-2']).toMatchObject({ department: 'water', interval_seconds: 300, accepted: '0', quarantined: '0', run_id: 'run-1' });
    const listed = await listDevices(db, { job: 'it-devices-file' });
    expect(listed.map((d) => [d.deviceId, d.liveness.status])).toEqual([
      ['aq-1', 'never-seen'],
      ['aq-2', 'never-seen'],
    ]);
  });

  it('checks readings, and commits the batch state with the transaction: nothing on rollback, counts and times on commit', async () => {
    const job = 'it-devices-batch';
    const tracker = await openDeviceTracker(
      config,
      spec(job, {
        type: 'inline',
        devices: [
          { id: 'd1', intervalSeconds: 60 },
          { id: 'd2', intervalSeconds: 60 },
        ],
      }),
      'run-2',
      FIELDS,
    );
    expect(tracker.check(['d1', '2026-12-01T07:59:00Z', '20'], NOW)).toBeNull();
    tracker.accepted(['d1', '2026-12-01T07:59:00Z', '20'], new Date('2026-12-01T08:00:01Z'));
    expect(tracker.check(['d1', '2026-12-01T07:59:30Z', '99'], NOW)?.en).toBe('temperature 99 is outside its range [-40, 85]');
    expect(tracker.check(['nobody', '2026-12-01T07:59:30Z', '1'], NOW)?.en).toBe('unknown device "nobody" (not in the device registry)');
    // A rolled-back batch leaves no trace, and its readings are counted when they come again.
    await inTransaction((client) => tracker.commit(client), false);
    expect(await stateOf(job)).toMatchObject({ d1: { accepted: '0', quarantined: '0', last_seen_at: null } });

    for (const ts of ['2026-12-01T07:58:00Z', '2026-12-01T07:59:50Z', '2026-12-01T07:59:10Z']) {
      expect(tracker.check(['d1', ts, '21'], NOW)).toBeNull();
      tracker.accepted(['d1', ts, '21'], new Date('2026-12-01T08:00:02Z'));
    }
    expect(tracker.check(['d1', 'yesterday', '21'], NOW)).not.toBeNull();
    expect(tracker.check(['d2', '2026-12-01T07:59:00Z', '21'], NOW)).toBeNull();
    tracker.quarantined(['d2', '2026-12-01T07:59:00Z', '21']);
    await inTransaction((client) => tracker.commit(client));
    let state = await stateOf(job);
    expect(state.d1).toMatchObject({ accepted: '3', quarantined: '1', run_id: 'run-2' });
    expect(state.d1.last_seen_at.toISOString()).toBe('2026-12-01T08:00:02.000Z');
    expect(state.d1.last_reading_at.toISOString()).toBe('2026-12-01T07:59:50.000Z');
    expect(state.d2).toMatchObject({ accepted: '0', quarantined: '1', last_seen_at: null });

    // The next batch adds to the counts; times only move forward.
    tracker.accepted(['d1', '2026-12-01T07:50:00Z', '21'], new Date('2026-12-01T08:00:03Z'));
    tracker.discard();
    tracker.accepted(['d1', '2026-12-01T07:50:00Z', '21'], new Date('2026-12-01T07:00:00Z'));
    await inTransaction((client) => tracker.commit(client));
    state = await stateOf(job);
    expect(state.d1).toMatchObject({ accepted: '4', quarantined: '1' });
    expect(state.d1.last_seen_at.toISOString()).toBe('2026-12-01T08:00:02.000Z');
    expect(state.d1.last_reading_at.toISOString()).toBe('2026-12-01T07:59:50.000Z');
  });

  it('reads a registry table through its postgres connection; a device dropped from the registry keeps its history but is no longer listed', async () => {
    const job = 'it-devices-table';
    const table = { type: 'table', connection: 'registry_db', table: 'public.it_device_registry', column: 'serial' };
    const tracker = await openDeviceTracker(config, spec(job, table), 'run-3', FIELDS);
    tracker.accepted(['t-2', '2026-12-01T07:59:00Z', '1'], NOW);
    await inTransaction((client) => tracker.commit(client));
    expect(await stateOf(job)).toMatchObject({
      't-1': { department: 'transport', interval_seconds: 30, device_type: 'counter' },
      't-2': { department: 'ecology', interval_seconds: 120, device_type: null, accepted: '1' },
    });

    await withSourceDb((client) => client.query("DELETE FROM public.it_device_registry WHERE serial = 't-2'"));
    await openDeviceTracker(config, spec(job, table), 'run-4', FIELDS);
    const state = await stateOf(job);
    expect(state['t-2']).toMatchObject({ registered: false, accepted: '1' });
    expect((await listDevices(db, { job })).map((d) => d.deviceId)).toEqual(['t-1']);
  });

  it('refuses registry problems as bad input, naming what is wrong', async () => {
    const open = (job: string, registry: unknown, fields = FIELDS) => openDeviceTracker(config, spec(job, registry), 'run-x', fields).catch((e: Error) => e);
    expect(await open('it-devices-bad', { type: 'file', connection: 'registry_files', path: 'missing.csv' })).toMatchObject({
      name: 'BadInputError',
      message: `device registry: file not found: ${join(folder, 'missing.csv')}`,
    });
    writeFileSync(join(folder, 'bad.csv'), 'device_id,department,interval_seconds\nx,env,often\nx,env\n');
    expect(await open('it-devices-bad', { type: 'file', connection: 'registry_files', path: 'bad.csv' })).toMatchObject({
      name: 'BadInputError',
      message: `device registry ${join(folder, 'bad.csv')}:\n  line 2: interval_seconds of "x" must be a whole number of seconds, at least 1 (not "often")\n  line 3: expected device_id,department,interval_seconds[,type], got 2 values`,
    });
    expect(await open('it-devices-bad', { type: 'table', connection: 'registry_db', table: 'public.it_device_registry', column: 'device_id' })).toMatchObject({
      name: 'BadInputError',
      message:
        'device registry table public.it_device_registry on connection "registry_db": no column device_id (it needs device_id, department, interval_seconds[, type])',
    });
    expect(await open('it-devices-bad', { type: 'table', connection: 'registry_db', table: 'public.nope', column: 'serial' })).toMatchObject({
      name: 'BadInputError',
      message: 'device registry table public.nope on connection "registry_db": the table does not exist',
    });
    expect(await open('it-devices-bad', { type: 'inline', devices: [{ id: 'a', intervalSeconds: 5 }] }, ['device', 'ts', 'temperature'])).toMatchObject({
      name: 'BadInputError',
      message: 'devices of job it-devices-bad: device field "device_id" is not a field of the message (fields: device, ts, temperature)',
    });
    expect(await db('dataops.device_state').where({ job: 'it-devices-bad' })).toEqual([]);
  });
});
