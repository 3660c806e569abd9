import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMqttSink } from '../../connectors/mqtt/mqtt-sink.ts';
import type { OutgoingMessage } from '../../connectors/source-chunk.ts';
import { startJob, streamWorkflowId } from '../../client/start-job.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { jobSpecSchema, type StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { StreamStatus } from '../../schemas/stream-run.ts';
import { streamControlUpdate } from '../../workflows/definitions.ts';
import { runCliAsync } from '../support/cli.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';

// IoT ingest from the real Mosquitto: QoS 1 readings checked against a device registry (known device,
// sane time, readings in range) into a day-partitioned table, the rest quarantined with the reason, and
// the devices' liveness (`dataops devices`) from what arrived.
const MQTT = process.env.DATAOPS_TEST_MQTT ?? 'mqtt://127.0.0.1:1883';
process.env.DATAOPS_CONNECTION_IOT_MQTT = MQTT;
let env: TestEnv;
const tag = `t${process.pid}`;
const job = `iot-air-${tag}`;
const table = `stream.iot_air_${tag}`;

beforeAll(async () => {
  env = await startTestEnv('test-iot-ingest');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

function spec(): StreamIngestJobSpec {
  return jobSpecSchema.parse({
    kind: 'stream-ingest',
    job,
    dataset: job,
    department: 'ecology',
    source: { type: 'mqtt', connection: 'iot_mqtt', topics: [`iot/${tag}/+/+/telemetry`], topicFields: `iot/${tag}/{department}/{device_id}/telemetry` },
    fields: {
      department: { type: 'string', required: true },
      device_id: { type: 'string', required: true },
      ts: { type: 'timestamp', required: true },
      temperature: { type: 'number', required: true },
      humidity: { type: 'number' },
    },
    devices: {
      registry: {
        type: 'inline',
        devices: [
          ...[1, 2, 3, 4, 5].map((i) => ({ id: `aq-${i}`, department: 'ecology', intervalSeconds: 600 })),
          { id: 'aq-6', department: 'ecology', intervalSeconds: 60 },
        ],
      },
      deviceField: 'device_id',
      timestampField: 'ts',
      maxAge: '7d',
      ranges: { temperature: { min: -40, max: 85 }, humidity: { min: 0, max: 100 } },
    },
    target: { table, partitionBy: { field: 'ts', interval: 'day' } },
    maxMessageBytes: 1024,
    batch: { maxMessages: 500, maxWait: '500ms' },
    options: { heartbeatSeconds: 5, sliceSeconds: 60 },
  }) as StreamIngestJobSpec;
}

/** 1,500 good readings from five devices over the last three days, and 110 bad messages of five kinds. */
function readings(): { messages: OutgoingMessage[]; valid: number; bad: Record<string, number> } {
  const now = Date.now();
  const encoder = new TextEncoder();
  const messages: OutgoingMessage[] = [];
  const topic = (device: string) => `iot/${tag}/ecology/${device}/telemetry`;
  const push = (device: string, body: string) => messages.push({ subject: topic(device), id: String(messages.length), data: encoder.encode(body) });
  for (let i = 0; i < 1_500; i++) {
    const ts = new Date(now - 3 * 86_400_000 + i * 170_000).toISOString();
    push(`aq-${1 + (i % 5)}`, JSON.stringify({ ts, temperature: 10 + (i % 20), humidity: 40 + (i % 30) }));
  }
  for (let i = 0; i < 30; i++) push('aq-99', JSON.stringify({ ts: new Date(now - i * 1000).toISOString(), temperature: 20 }));
  for (let i = 0; i < 30; i++) push('aq-2', JSON.stringify({ ts: new Date(now - i * 1000).toISOString(), temperature: 150 + i }));
  for (let i = 0; i < 20; i++) push('aq-3', JSON.stringify({ ts: new Date(now + 86_400_000 + i * 1000).toISOString(), temperature: 20 }));
  for (let i = 0; i < 20; i++) push('aq-4', `{"ts": "${new Date(now).toISOString()}", temperature: ${i}`);
  for (let i = 0; i < 10; i++) push('aq-5', JSON.stringify({ ts: new Date(now - i).toISOString(), temperature: 20, note: 'x'.repeat(2_000) }));
  return { messages, valid: 1_500, bad: { 'unknown device': 30, 'out of range': 30, future: 20, json: 20, size: 10 } };
}

describe('IoT ingest from MQTT', () => {
  it('writes readings of registered devices into day partitions, quarantines the rest, and reports liveness', async () => {
    const { handle } = await startJob(env.client, env.config, spec());
    // The persistent session exists once the stream subscribed: QoS 1 messages published from then on wait for it.
    await expect.poll(async () => (await env.db('dataops.streams').where({ job }).first())?.state, { timeout: 30_000 }).toBe('running');
    await new Promise((r) => setTimeout(r, 1_000));
    const { messages, valid } = readings();
    const sink = await openMqttSink(MQTT, { clientId: `dataops-test-device-${tag}`, label: 'test mqtt' });
    await sink.publish(messages);
    await sink.close();
    await expect
      .poll(async () => Number((await env.db('dataops.streams').where({ job }).first())?.messages ?? 0), { timeout: 60_000, interval: 200 })
      .toBe(messages.length);
    await handle.executeUpdate(streamControlUpdate, { args: ['stop'] });
    const ended = (await env.client.workflow.getHandle(streamWorkflowId(job)).result()) as StreamStatus;
    expect(ended.totals).toMatchObject({ messages: messages.length, written: valid, quarantined: messages.length - valid, duplicates: 0 });

    const rows = await env.db.raw(`SELECT count(*)::int AS n, count(DISTINCT device_id)::int AS devices, min(department) AS department FROM ${table}`);
    expect(rows.rows[0]).toEqual({ n: valid, devices: 5, department: 'ecology' });
    const partitions = await env.db.raw(
      'SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass(?) ORDER BY 1',
      [table],
    );
    expect(partitions.rows.length).toBeGreaterThanOrEqual(3);
    expect(partitions.rows.every((r: { relname: string }) => /_p\d{8}$/.test(r.relname))).toBe(true);

    const reasons = await env
      .db('dataops.quarantine as q')
      .join('dataops.runs as r', 'r.run_id', 'q.run_id')
      .where('r.job', job)
      .select('q.rule_id', 'q.reason')
      .count('* as n')
      .groupBy('q.rule_id', 'q.reason');
    const byRule = (rule: string, pattern: RegExp) =>
      reasons.filter((r) => r.rule_id === rule && pattern.test(String(r.reason))).reduce((n, r) => n + Number(r.n), 0);
    expect(byRule('iot.device', /aq-99/)).toBe(30);
    expect(byRule('iot.device', /temperature/)).toBe(30);
    expect(byRule('iot.device', /future|ahead|later/i)).toBe(20);
    expect(byRule('stream.json', /JSON/)).toBe(20);
    expect(byRule('stream.size', /bytes/)).toBe(10);

    const devices = await runCliAsync(['devices', '--job', job, '--json'], { DATABASE_URL: env.config.databaseUrl });
    expect(devices.status).toBe(0);
    const listed = JSON.parse(devices.stdout) as { deviceId: string; status: string; accepted: number }[];
    const byId = Object.fromEntries(listed.map((d) => [d.deviceId, d]));
    expect(byId['aq-1']).toMatchObject({ status: 'ok', accepted: 300 });
    expect(byId['aq-6']?.status).toBe('never-seen');
    const silent = await runCliAsync(['devices', '--job', job, '--silent'], { DATABASE_URL: env.config.databaseUrl });
    expect(silent.status).toBe(1);
    expect(silent.stdout).toContain('aq-6');
  }, 180_000);
});
