import { createHash } from 'node:crypto';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startJob, streamWorkflowId } from '../../client/start-job.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { jobSpecSchema, type StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { StreamStatus } from '../../schemas/stream-run.ts';
import { streamControlUpdate } from '../../workflows/definitions.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { createTestStream, deleteTestStream, publishAll, SHARED_NATS_URL } from '../support/jetstream.ts';
import { type OwnBroker, ownMosquitto, ownNatsServer } from '../support/own-brokers.ts';
import { openMqttSink } from '../../connectors/mqtt/mqtt-sink.ts';
import { startSwallowingProxy } from '../support/tcp-proxy.ts';

// Stream ingest under faults: a worker SIGKILLed mid-stream, a worker killed after its commit and before its
// acks reached the broker, the broker itself killed and restarted, and a poison message. Every time: each
// valid message exactly once in the table (by message id and checksum), each invalid one once in quarantine.
const TASK_QUEUE = 'test-stream-faults';
let env: TestEnv;
let broker: OwnBroker;
let mosquitto: OwnBroker;
const workers: ReturnType<typeof spawnWorker>[] = [];
const streams: { name: string; url: string }[] = [];
let counter = 0;

beforeAll(async () => {
  broker = await ownNatsServer();
  await broker.start();
  mosquitto = await ownMosquitto();
  await mosquitto.start();
  process.env.DATAOPS_CONNECTION_OWN_MQTT = mosquitto.url;
  process.env.DATAOPS_CONNECTION_FAULT_NATS = SHARED_NATS_URL;
  process.env.DATAOPS_CONNECTION_OWN_NATS = broker.url;
  env = await startTestEnv(TASK_QUEUE, { worker: false });
});
// Each test's workers end with it: a survivor would take the next test's activities with the wrong connections.
afterEach(async () => {
  for (const w of workers.splice(0)) if (w.exitCode === null && w.signalCode === null) await kill(w);
});
afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  for (const s of streams) await deleteTestStream(s.name, s.url).catch(() => undefined);
  await env.stop();
  await broker.stop();
  await mosquitto.stop();
  await closeAllDbs();
});

function childEnv() {
  return {
    DATABASE_URL: env.config.databaseUrl,
    TEMPORAL_ADDRESS: env.config.temporal.address,
    DATAOPS_TASK_QUEUE: TASK_QUEUE,
    DATAOPS_CONNECTION_FAULT_NATS: SHARED_NATS_URL,
    DATAOPS_CONNECTION_OWN_NATS: broker.url,
    DATAOPS_CONNECTION_OWN_MQTT: mosquitto.url,
  };
}

async function worker(name: string, extra: Record<string, string> = {}) {
  const w = spawnWorker(name, { ...childEnv(), ...extra });
  workers.push(w);
  await waitForOutput(w, /worker ready/);
  return w;
}

async function kill(w: ReturnType<typeof spawnWorker>): Promise<void> {
  const exited = new Promise((r) => w.once('exit', r));
  w.kill('SIGKILL');
  await exited;
}

/** A stream-ingest job reading MQTT topics of its own on the test's Mosquitto (persistent session, QoS 1). */
function setupMqtt() {
  counter += 1;
  const tag = `${process.pid}_m${counter}`;
  const n = { stream: '', subject: `fault/${tag}/events`, job: `faults-${tag.replace('_', '-')}`, table: `stream.faults_${tag}` };
  const spec = jobSpecSchema.parse({
    kind: 'stream-ingest',
    job: n.job,
    dataset: n.job,
    department: 'city-operations',
    source: { type: 'mqtt', connection: 'own_mqtt', topics: [n.subject] },
    fields: { event_id: { type: 'string', required: true }, value: { type: 'integer', required: true }, note: { type: 'string' } },
    target: { table: n.table },
    batch: { maxMessages: 1_000, maxWait: '500ms' },
    options: { heartbeatSeconds: 3, sliceSeconds: 30 },
  }) as StreamIngestJobSpec;
  return { ...n, spec };
}

async function publishMqtt(topic: string, payloads: string[]): Promise<void> {
  const sink = await openMqttSink(mosquitto.url, { clientId: `dataops-test-pub-${process.pid}-${counter}`, label: 'test mosquitto' });
  try {
    const encoder = new TextEncoder();
    await sink.publish(payloads.map((p, i) => ({ subject: topic, id: String(i), data: encoder.encode(p) })));
  } finally {
    await sink.close();
  }
}

async function subscribed(job: string): Promise<void> {
  await waitUntil('the stream subscribed', async () => (await env.db('dataops.streams').where({ job }).first())?.state === 'running', 60_000);
  // Registered happens as the slice starts, just after its subscription: give the SUBACK a moment.
  await new Promise((r) => setTimeout(r, 1_000));
}

async function setup(url: string, connection: string) {
  counter += 1;
  const tag = `${process.pid}_f${counter}`;
  const n = { stream: `DATAOPS_FAULT_${tag}`, subject: `fault.${tag}.events`, job: `faults-${tag.replace('_', '-')}`, table: `stream.faults_${tag}` };
  streams.push({ name: n.stream, url });
  await createTestStream(n.stream, n.subject, url);
  const spec = jobSpecSchema.parse({
    kind: 'stream-ingest',
    job: n.job,
    dataset: n.job,
    department: 'city-operations',
    source: { type: 'jetstream', connection, stream: n.stream, ackWait: '20s' },
    fields: { event_id: { type: 'string', required: true }, value: { type: 'integer', required: true }, note: { type: 'string' } },
    target: { table: n.table },
    batch: { maxMessages: 1_000, maxWait: '500ms' },
    options: { heartbeatSeconds: 3, sliceSeconds: 30 },
  }) as StreamIngestJobSpec;
  return { ...n, spec };
}

/** Messages `from`..`to`-1; every 25th is invalid (value not an integer). */
function batchOf(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(JSON.stringify({ event_id: `e${i}`, value: i % 25 === 3 ? 'NaN' : i, note: `事件${i}` }));
  return out;
}

function expectedValid(total: number): Map<string, string> {
  const valid = new Map<string, string>();
  for (let i = 0; i < total; i++) if (i % 25 !== 3) valid.set(`e${i}`, createHash('md5').update(`${i}|事件${i}`).digest('hex'));
  return valid;
}

async function committed(job: string): Promise<number> {
  const row = await env.db('dataops.streams').where({ job }).first();
  return Number(row?.messages ?? 0) - Number(row?.duplicates ?? 0);
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the stream and checks the table and quarantine hold every message exactly once. */
async function stopAndVerify(n: Awaited<ReturnType<typeof setup>>, total: number): Promise<StreamStatus> {
  await waitUntil(`all ${total} messages`, async () => (await committed(n.job)) >= total);
  const handle = env.client.workflow.getHandle(streamWorkflowId(n.job));
  await handle.executeUpdate(streamControlUpdate, { args: ['stop'] });
  const ended = (await handle.result()) as StreamStatus;
  const valid = expectedValid(total);
  const rows = (await env.db.raw(`SELECT event_id, md5(value::text || '|' || note) AS digest, dataops_message_id FROM ${n.table}`)).rows as {
    event_id: string;
    digest: string;
    dataops_message_id: string;
  }[];
  expect(rows).toHaveLength(valid.size);
  expect(new Set(rows.map((r) => r.event_id)).size).toBe(valid.size);
  expect(new Set(rows.map((r) => r.dataops_message_id)).size).toBe(valid.size);
  expect(rows.filter((r) => valid.get(r.event_id) !== r.digest)).toEqual([]);
  const quarantined = await env.db('dataops.quarantine as q').join('dataops.runs as r', 'r.run_id', 'q.run_id').where('r.job', n.job).select('q.source_ref');
  expect(quarantined).toHaveLength(total - valid.size);
  expect(new Set(quarantined.map((q) => q.source_ref)).size).toBe(total - valid.size);
  expect(ended.totals.written).toBe(valid.size);
  expect(ended.totals.quarantined).toBe(total - valid.size);
  return ended;
}

describe('stream ingest under faults', () => {
  it('a worker SIGKILLed mid-stream: the next one resumes, nothing lost, nothing twice', async () => {
    const n = await setup(SHARED_NATS_URL, 'fault_nats');
    await publishAll(n.subject, batchOf(0, 30_000));
    const a = await worker('stream-a');
    await startJob(env.client, env.config, n.spec);
    await waitUntil('a few committed batches', async () => (await committed(n.job)) >= 5_000);
    // Publishing goes on while the worker dies and its successor takes over.
    const more = publishAll(n.subject, batchOf(30_000, 60_000));
    await kill(a);
    await worker('stream-b');
    await more;
    await stopAndVerify(n, 60_000);
  }, 240_000);

  it('a worker killed after its commit and before its acks reached the broker: the redelivered messages are recognised', async () => {
    // The worker reaches the broker through a proxy that, on cue, swallows everything the worker sends.
    const proxy = await startSwallowingProxy(broker.port);
    process.env.DATAOPS_CONNECTION_PROXIED_NATS = `nats://127.0.0.1:${proxy.port}`;
    try {
      const n = await setup(broker.url, 'proxied_nats');
      // Enough that the worker still holds a batch when the proxy starts swallowing, however fast it runs.
      await publishAll(n.subject, batchOf(0, 60_000), broker.url);
      const a = await worker('stream-c', { DATAOPS_CONNECTION_PROXIED_NATS: `nats://127.0.0.1:${proxy.port}` });
      await startJob(env.client, env.config, n.spec);
      await waitUntil('a committed batch', async () => (await committed(n.job)) >= 2_000).catch((e) => {
        throw new Error(`${e.message}\n${a.output().slice(-3000)}`);
      });
      // The batch the worker holds commits; its acks (and the flush waiting for them) never arrive.
      proxy.swallowClientBytes();
      const swallowedAt = await committed(n.job);
      await waitUntil('the batch in hand committed', async () => (await committed(n.job)) > swallowedAt, 10_000);
      await kill(a);
      await proxy.close();
      await worker('stream-d', { DATAOPS_CONNECTION_PROXIED_NATS: broker.url });
      // The batch committed without its acks comes back once its ack wait (20 s) is over, and is recognised.
      await waitUntil(
        'the unacknowledged batch redelivered',
        async () => Number((await env.db('dataops.streams').where({ job: n.job }).first())?.duplicates ?? 0) > 0,
        90_000,
      );
      const ended = await stopAndVerify(n, 60_000);
      expect(ended.totals.duplicates).toBeGreaterThan(0);
    } finally {
      await proxy.close().catch(() => undefined);
    }
  }, 240_000);

  it('the broker killed and restarted during ingest: the stream picks up again, nothing lost, nothing twice', async () => {
    const n = await setup(broker.url, 'own_nats');
    await publishAll(n.subject, batchOf(0, 20_000), broker.url);
    await worker('stream-e');
    await startJob(env.client, env.config, n.spec);
    await waitUntil('a few committed batches', async () => (await committed(n.job)) >= 3_000);
    await broker.kill();
    await new Promise((r) => setTimeout(r, 2_000));
    await broker.start();
    await publishAll(n.subject, batchOf(20_000, 30_000), broker.url);
    await stopAndVerify(n, 30_000);
  }, 240_000);

  it('a message delivered too often without a commit is quarantined as poison and never redelivered', async () => {
    const n = await setup(SHARED_NATS_URL, 'fault_nats');
    await publishAll(n.subject, batchOf(0, 10));
    // Another reader of the same durable consumer took message 1 and gave it back, four times over.
    const nc = await connect({ servers: SHARED_NATS_URL.replace('nats://', '') });
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(n.stream, {
      durable_name: `dataops-${n.job}`,
      ack_policy: AckPolicy.Explicit,
      ack_wait: 20_000_000_000,
      max_ack_pending: 2_000,
      max_deliver: -1,
      deliver_policy: DeliverPolicy.All,
    });
    const consumer = await jetstream(nc).consumers.get(n.stream, `dataops-${n.job}`);
    for (let i = 0; i < n.spec.maxDeliveries - 1; i++) {
      const m = await consumer.next({ expires: 5_000 });
      expect(m?.seq).toBe(1);
      m!.nak();
      await nc.flush();
    }
    await nc.close();
    await worker('stream-f');
    await startJob(env.client, env.config, n.spec);
    await waitUntil('all 10 messages', async () => (await committed(n.job)) >= 10);
    const handle = env.client.workflow.getHandle(streamWorkflowId(n.job));
    await handle.executeUpdate(streamControlUpdate, { args: ['stop'] });
    const ended = (await handle.result()) as StreamStatus;
    expect(ended.totals).toMatchObject({ messages: 10, poison: 1, written: 8, quarantined: 2 });
    const poison = await env
      .db('dataops.quarantine as q')
      .join('dataops.runs as r', 'r.run_id', 'q.run_id')
      .where({ 'r.job': n.job, 'q.rule_id': 'stream.poison' })
      .first('q.source_ref', 'q.reason', 'q.record');
    expect(poison.source_ref).toBe(`${n.stream}:1`);
    expect(poison.reason).toContain(`delivered ${n.spec.maxDeliveries} times`);
    expect(poison.record.payload).toContain('"event_id":"e0"');
    const info = await (async () => {
      const c = await connect({ servers: SHARED_NATS_URL.replace('nats://', '') });
      try {
        return await (await jetstreamManager(c)).consumers.info(n.stream, `dataops-${n.job}`);
      } finally {
        await c.close();
      }
    })();
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  }, 120_000);

  it('MQTT: a worker SIGKILLed mid-stream; its unacknowledged QoS 1 messages come back to the next one, nothing lost, nothing twice', async () => {
    const n = setupMqtt();
    const a = await worker('mqtt-a');
    await startJob(env.client, env.config, n.spec);
    await subscribed(n.job);
    await publishMqtt(n.subject, batchOf(0, 10_000));
    await waitUntil('a few committed batches', async () => (await committed(n.job)) >= 2_000);
    const more = publishMqtt(n.subject, batchOf(10_000, 20_000));
    await kill(a);
    await worker('mqtt-b');
    await more;
    await stopAndVerify(n, 20_000);
  }, 240_000);

  it('MQTT: the broker restarted during ingest: the persistent session resumes, nothing lost, nothing twice', async () => {
    const n = setupMqtt();
    await worker('mqtt-c');
    await startJob(env.client, env.config, n.spec);
    await subscribed(n.job);
    await publishMqtt(n.subject, batchOf(0, 10_000));
    await waitUntil('a few committed batches', async () => (await committed(n.job)) >= 2_000);
    // A clean stop: Mosquitto saves its sessions on the way down (a SIGKILL loses what it received since its last autosave).
    await mosquitto.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    await mosquitto.start();
    await publishMqtt(n.subject, batchOf(10_000, 15_000));
    await stopAndVerify(n, 15_000);
  }, 240_000);

  it('MQTT: a worker killed after its commit and before its PUBACKs reached the broker: the redelivered messages are recognised', async () => {
    // The worker's session runs through a proxy that, on cue, swallows everything the worker sends.
    const proxy = await startSwallowingProxy(mosquitto.port);
    try {
      const n = { ...setupMqtt() };
      n.spec = { ...n.spec, source: { ...n.spec.source, connection: 'proxied_mqtt' } } as StreamIngestJobSpec;
      const a = await worker('mqtt-d', { DATAOPS_CONNECTION_PROXIED_MQTT: `mqtt://127.0.0.1:${proxy.port}` });
      await startJob(env.client, env.config, n.spec);
      await subscribed(n.job);
      await publishMqtt(n.subject, batchOf(0, 10_000));
      await waitUntil('a committed batch', async () => (await committed(n.job)) >= 2_000);
      proxy.swallowClientBytes();
      const swallowedAt = await committed(n.job);
      await waitUntil('the batch in hand committed', async () => (await committed(n.job)) > swallowedAt, 10_000);
      await kill(a);
      await proxy.close();
      await worker('mqtt-e', { DATAOPS_CONNECTION_PROXIED_MQTT: mosquitto.url });
      // The session's unacknowledged messages come back on the next connection, the committed ones among them.
      await waitUntil(
        'the unacknowledged batch redelivered',
        async () => Number((await env.db('dataops.streams').where({ job: n.job }).first())?.duplicates ?? 0) > 0,
        60_000,
      );
      const ended = await stopAndVerify(n, 10_000);
      expect(ended.totals.duplicates).toBeGreaterThan(0);
    } finally {
      await proxy.close().catch(() => undefined);
    }
  }, 240_000);
});
