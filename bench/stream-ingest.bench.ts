/**
 * Benchmark (not a test): stream ingest from JetStream into PostgreSQL with ack-after-commit, through
 * the real workflow and a worker in this process, against a raw consume-and-ack of the same messages
 * with no database in the same run. Messages are market permit events from the sample generator (2%
 * defective, quarantined), about 300 bytes each. Reports messages/s (median of runs), the ratio, peak
 * RSS; with `--seconds S` also a sustained run: a publisher feeds the stream at `--rate` messages/s for
 * S seconds while it is ingested, throughput, lag and RSS sampled every 10 seconds (flat RSS and a lag
 * that does not grow mean the ingest keeps up with that rate for as long as it runs).
 *
 * Then the same for MQTT QoS 1 (`--mqtt N` messages, 0 to skip) on a Mosquitto of the benchmark's own
 * (unlimited queue): the messages wait in each persistent session, then a raw MQTT.js subscriber (its
 * PUBACKs automatic) and the dataops stream each take them all.
 *
 * `--backlog N`: N messages published first, then ingested with the machine to itself (5 minutes' worth
 * at the target rate is 6,000,000), sampled every 10 seconds.
 *
 *   npm run bench:stream -- [--messages 200000] [--runs 3] [--seconds 0] [--rate 20000] [--batch 2000] [--mqtt 50000] [--backlog 0]
 */
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startBenchEnv, type BenchEnv } from './bench-env.ts';
import { cpuSeconds, cpuSpent, median, parseBenchArgs, peakRssMb } from './bench-utils.ts';
import { startJob, streamWorkflowId } from '../client/start-job.ts';
import { jobSpecSchema, type StreamIngestJobSpec } from '../schemas/job-spec.ts';
import { streamControlUpdate } from '../workflows/definitions.ts';
import { permitEvents } from '../samples/generator/permit-events.ts';
import mqtt from 'mqtt';
import { openMqttSink } from '../connectors/mqtt/mqtt-sink.ts';
import { ownMosquitto } from '../test/support/own-brokers.ts';

const {
  messages: MESSAGES,
  runs: RUNS,
  seconds: SECONDS,
  batch: BATCH,
  rate: RATE,
  mqtt: MQTT_MESSAGES,
  backlog: BACKLOG,
} = parseBenchArgs({ messages: 200_000, runs: 3, seconds: 0, batch: 2_000, rate: 20_000, mqtt: 50_000, backlog: 0 });
const NATS = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
process.env.DATAOPS_CONNECTION_BENCH_NATS = NATS;

function payloads(count: number, seed: number): Uint8Array[] {
  const encoder = new TextEncoder();
  return [...permitEvents(count, { invalid: 0.02, seed })].map((e) => encoder.encode(e.payload));
}

async function freshStream(nc: NatsConnection, name: string, subject: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(name).catch(() => undefined);
  await jsm.streams.add({ name, subjects: [subject] });
}

async function publish(nc: NatsConnection, subject: string, data: readonly Uint8Array[]): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < data.length; i += 5_000) await Promise.all(data.slice(i, i + 5_000).map((d) => js.publish(subject, d)));
}

/** The baseline: a durable pull consumer read with consume(), each message acked, nothing else. */
async function rawConsume(nc: NatsConnection, stream: string, count: number): Promise<number> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, { durable_name: 'bench-raw', ack_policy: AckPolicy.Explicit, max_ack_pending: 2 * BATCH });
  const consumer = await jetstream(nc).consumers.get(stream, 'bench-raw');
  const started = performance.now();
  const messages = await consumer.consume({ max_messages: BATCH });
  let seen = 0;
  for await (const m of messages) {
    m.ack();
    if (++seen === count) break;
  }
  await nc.flush();
  const seconds = (performance.now() - started) / 1000;
  await messages.close();
  return count / seconds;
}

function spec(stream: string, job: string, source?: object): StreamIngestJobSpec {
  return jobSpecSchema.parse({
    kind: 'stream-ingest',
    job,
    dataset: job,
    department: 'market-supervision',
    source: source ?? { type: 'jetstream', connection: 'bench_nats', stream },
    fields: {
      permit_id: { type: 'string', required: true },
      enterprise: { type: 'string', required: true },
      credit_code: { type: 'string' },
      holder: { type: 'string' },
      mobile: { type: 'string' },
      street: { type: 'string' },
      fee: { type: 'number' },
      issued_at: { type: 'timestamp', required: true },
    },
    rules: { columns: { credit_code: { validate: ['credit_code.valid'] }, mobile: { validate: ['mobile.valid'] } } },
    target: { table: `stream.${job.replace(/-/g, '_')}` },
    batch: { maxMessages: BATCH, maxWait: '1s' },
  }) as StreamIngestJobSpec;
}

async function committed(env: BenchEnv, job: string): Promise<number> {
  const row = await env.db.query<{ n: string }>('SELECT messages AS n FROM dataops.streams WHERE job = $1', [job]);
  return Number(row.rows[0]?.n ?? 0);
}

async function stop(env: BenchEnv, job: string): Promise<void> {
  const handle = env.client.workflow.getHandle(streamWorkflowId(job));
  await handle.executeUpdate(streamControlUpdate, { args: ['stop'] });
  await handle.result();
}

/** dataops: from the workflow's start until every message is committed (and so acknowledged). */
async function ingest(env: BenchEnv, stream: string, job: string, count: number, source?: object): Promise<number> {
  await env.db.query(`DROP TABLE IF EXISTS stream.${job.replace(/-/g, '_')}`);
  await env.db.query('DELETE FROM dataops.streams WHERE job = $1', [job]);
  const started = performance.now();
  await startJob(env.client, env.config, spec(stream, job, source));
  while ((await committed(env, job)) < count) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  await stop(env, job);
  return count / seconds;
}

async function sustained(env: BenchEnv, nc: NatsConnection): Promise<void> {
  const stream = 'BENCH_SUSTAINED';
  const subject = 'bench.sustained';
  const job = 'bench-stream-sustained';
  await freshStream(nc, stream, subject);
  await env.db.query(`DROP TABLE IF EXISTS stream.${job.replace(/-/g, '_')}`);
  await env.db.query('DELETE FROM dataops.streams WHERE job = $1', [job]);
  await startJob(env.client, env.config, spec(stream, job));
  const started = Date.now();
  const end = started + SECONDS * 1000;
  // The publisher is a process of its own, as departments' publishers are: it does not share this event loop.
  const feeder = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'stream-feeder.ts'), NATS, subject, String(RATE), String(SECONDS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let fed = '';
  feeder.stdout!.on('data', (d) => (fed += d));
  const feeding = new Promise<void>((resolve) => feeder.once('exit', () => resolve()));
  const stream_ = async () => Number((await (await jetstreamManager(nc)).streams.info(stream)).state.messages);
  console.log(`sustained at ${RATE} msg/s for ${SECONDS} s:\n  seconds  published  committed  msg/s(10s)      lag  rss MB`);
  let last = 0;
  for (let t = 10; Date.now() < end + 1; t += 10) {
    await new Promise((r) => setTimeout(r, 10_000));
    const now = await committed(env, job);
    const published = await stream_();
    console.log(
      `  ${String(t).padStart(7)}  ${String(published).padStart(9)}  ${String(now).padStart(9)}  ${String(Math.round((now - last) / 10)).padStart(10)}  ${String(published - now).padStart(7)}  ${(process.memoryUsage().rss / 1048576).toFixed(0).padStart(6)}`,
    );
    last = now;
    if (Date.now() > end) break;
  }
  await feeding;
  const total = Number(fed.trim());
  while ((await committed(env, job)) < total && Date.now() < end + 120_000) await new Promise((r) => setTimeout(r, 500));
  console.log(`  fed ${total}; all committed ${((Date.now() - started) / 1000).toFixed(0)} s after the start (the feed lasted ${SECONDS} s)`);
  await stop(env, job);
}

/** A persistent QoS 1 session for `clientId` on `topic`, left so the broker queues what is published meanwhile. */
async function mqttSession(url: string, clientId: string, topic: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600 } });
  await client.subscribeAsync(topic, { qos: 1 });
  await client.endAsync();
}

/** The MQTT baseline: MQTT.js taking the queued messages with its own automatic PUBACKs, nothing else. */
async function rawMqtt(url: string, clientId: string, count: number): Promise<number> {
  const started = performance.now();
  let seen = 0;
  const client = mqtt.connect(url, { clientId, clean: false, protocolVersion: 5, properties: { sessionExpiryInterval: 3600, receiveMaximum: 3 * BATCH } });
  await new Promise<void>((resolve) => {
    client.on('message', () => {
      if (++seen === count) resolve();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await client.endAsync();
  return count / seconds;
}

async function mqttRuns(env: BenchEnv): Promise<void> {
  const broker = await ownMosquitto();
  await broker.start();
  process.env.DATAOPS_CONNECTION_BENCH_MQTT = broker.url;
  const data = payloads(MQTT_MESSAGES, 43);
  const raw: number[] = [];
  const ours: number[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const topic = `bench/mqtt/${run}/permits`;
      const job = `bench-mqtt-${run}`;
      await mqttSession(broker.url, `bench-raw-${run}`, topic);
      await mqttSession(broker.url, `dataops-${job}`, topic);
      const sink = await openMqttSink(broker.url, { clientId: `bench-pub-${run}`, label: 'bench mosquitto' });
      await sink.publish(data.map((d, i) => ({ subject: topic, id: String(i), data: d })));
      await sink.close();
      raw.push(await rawMqtt(broker.url, `bench-raw-${run}`, MQTT_MESSAGES));
      ours.push(await ingest(env, '', job, MQTT_MESSAGES, { type: 'mqtt', connection: 'bench_mqtt', topics: [topic] }));
      console.log(`  mqtt run ${run}: raw subscribe-and-PUBACK ${raw.at(-1)!.toFixed(0)} msg/s · dataops ingest ${ours.at(-1)!.toFixed(0)} msg/s`);
    }
    console.log(
      `mqtt median: raw ${median(raw).toFixed(0)} msg/s · dataops ${median(ours).toFixed(0)} msg/s · ratio ${(median(ours) / median(raw)).toFixed(2)} · peak RSS ${peakRssMb().toFixed(0)} MB`,
    );
  } finally {
    await broker.stop();
  }
}

/**
 * Sustained ingest with the machine to itself: a backlog of `--backlog` messages published first (by the
 * feeder process), then ingested for as long as it takes, throughput and RSS sampled every 10 seconds.
 */
async function backlog(env: BenchEnv, nc: NatsConnection): Promise<void> {
  const stream = 'BENCH_BACKLOG';
  const subject = 'bench.backlog';
  const job = 'bench-stream-backlog';
  await freshStream(nc, stream, subject);
  await env.db.query(`DROP TABLE IF EXISTS stream.${job.replace(/-/g, '_')}`);
  await env.db.query('DELETE FROM dataops.streams WHERE job = $1', [job]);
  const feeder = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'stream-feeder.ts'), NATS, subject, '0', String(BACKLOG)], {
    stdio: 'ignore',
  });
  await new Promise((resolve) => feeder.once('exit', resolve));
  console.log(`backlog of ${BACKLOG} messages published; ingesting:\n  seconds  committed  msg/s(10s)  rss MB`);
  const started = performance.now();
  await startJob(env.client, env.config, spec(stream, job));
  let last = 0;
  for (let t = 10; ; t += 10) {
    await new Promise((r) => setTimeout(r, 10_000));
    const now = await committed(env, job);
    console.log(
      `  ${String(t).padStart(7)}  ${String(now).padStart(9)}  ${String(Math.round((now - last) / 10)).padStart(10)}  ${(process.memoryUsage().rss / 1048576).toFixed(0).padStart(6)}`,
    );
    last = now;
    if (now >= BACKLOG) break;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`  backlog ingested in ${seconds.toFixed(0)} s: ${(BACKLOG / seconds).toFixed(0)} msg/s over the whole run`);
  await stop(env, job);
  await (await jetstreamManager(nc)).streams.delete(stream);
}

async function main(): Promise<void> {
  const env = await startBenchEnv('bench-stream');
  await env.db.query('CREATE SCHEMA IF NOT EXISTS stream');
  const nc = await connect({ servers: NATS.replace('nats://', '') });
  const data = payloads(MESSAGES, 42);
  const bytes = data.reduce((n, d) => n + d.length, 0);
  console.log(`stream ingest: ${MESSAGES} messages (${(bytes / MESSAGES).toFixed(0)} bytes each, 2% defective), batches of ${BATCH}, ${RUNS} runs`);
  const raw: number[] = [];
  const ours: number[] = [];
  const cpu = cpuSeconds();
  for (let run = 1; run <= RUNS; run++) {
    const stream = `BENCH_STREAM_${run}`;
    await freshStream(nc, stream, `bench.stream.${run}`);
    await publish(nc, `bench.stream.${run}`, data);
    raw.push(await rawConsume(nc, stream, MESSAGES));
    ours.push(await ingest(env, stream, `bench-stream-${run}`, MESSAGES));
    console.log(`  run ${run}: raw consume-and-ack ${raw.at(-1)!.toFixed(0)} msg/s · dataops ingest ${ours.at(-1)!.toFixed(0)} msg/s`);
    await (await jetstreamManager(nc)).streams.delete(stream);
  }
  console.log(
    `median: raw ${median(raw).toFixed(0)} msg/s · dataops ${median(ours).toFixed(0)} msg/s · ratio ${(median(ours) / median(raw)).toFixed(2)} · peak RSS ${peakRssMb().toFixed(0)} MB · ${cpuSpent(cpu, cpuSeconds())}`,
  );
  if (MQTT_MESSAGES > 0) {
    console.log(`MQTT QoS 1: ${MQTT_MESSAGES} messages, ${RUNS} runs`);
    await mqttRuns(env);
  }
  if (SECONDS > 0) await sustained(env, nc);
  if (BACKLOG > 0) await backlog(env, nc);
  console.log(`peak RSS ${peakRssMb().toFixed(0)} MB`);
  await nc.close();
  await env.stop();
}

await main();
