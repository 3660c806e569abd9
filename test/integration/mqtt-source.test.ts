import { afterAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { openMqttSource } from '../../connectors/mqtt/mqtt-source.ts';
import { openMqttSink } from '../../connectors/mqtt/mqtt-sink.ts';
import { connectMqtt } from '../../connectors/mqtt/connect.ts';
import type { BatchBounds, BrokerMessage, MessageBatch, MessageSource } from '../../connectors/source-chunk.ts';
import { freePort, ownMosquitto, type OwnBroker } from '../support/own-brokers.ts';

// The MQTT source on real brokers: the shared Mosquitto for the session behaviour, one of the test's
// own for a broker SIGKILL. Client ids and topics carry this run's tag, so other runs never see them.
const SHARED = process.env.DATAOPS_TEST_MQTT ?? 'mqtt://127.0.0.1:1883';
const TAG = `${process.pid}-${Date.now().toString(36)}`;
const LABEL = 'mqtt connection "test"';
const sessions: { url: string; clientId: string }[] = [];
const brokers: OwnBroker[] = [];

function names(test: string) {
  const clientId = `dataops-test-${test}-${TAG}`;
  sessions.push({ url: SHARED, clientId });
  return { clientId, topic: `dataops-test/${TAG}/${test}` };
}

afterAll(async () => {
  // Persistent sessions outlive their clients by a week: end this run's on the shared broker.
  for (const { url, clientId } of sessions) {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId, clean: true, properties: { sessionExpiryInterval: 0 }, reconnectPeriod: 0 });
    await client.endAsync();
  }
  for (const broker of brokers) await broker.stop();
});

const payload = (topic: string, i: number) => new TextEncoder().encode(JSON.stringify({ device_id: `d${i % 10}`, seq: i, topic }));

async function publish(url: string, topic: string, from: number, count: number): Promise<void> {
  const sink = await openMqttSink(url, { clientId: `dataops-test-pub-${TAG}-${from}`, label: LABEL });
  try {
    const messages = Array.from({ length: count }, (_, k) => ({ subject: topic, id: `m${from + k}`, data: payload(topic, from + k) }));
    expect(await sink.publish(messages)).toEqual({ duplicates: 0 });
  } finally {
    await sink.close();
  }
}

const seqOf = (m: BrokerMessage) => (JSON.parse(new TextDecoder().decode(m.data)) as { seq: number }).seq;

/** Batches until `count` messages arrived (or `withinMs` passed), none acknowledged. */
async function collect(source: MessageSource, count: number, bounds: Partial<BatchBounds> = {}, withinMs = 15_000) {
  const batches: MessageBatch[] = [];
  const messages: BrokerMessage[] = [];
  const deadline = Date.now() + withinMs;
  while (messages.length < count && Date.now() < deadline) {
    const batch = await source.next(
      { maxMessages: bounds.maxMessages ?? 2_000, maxBytes: bounds.maxBytes ?? 8 << 20, maxWaitMs: bounds.maxWaitMs ?? 200 },
      new AbortController().signal,
    );
    if (!batch.messages.length) continue;
    batches.push(batch);
    messages.push(...batch.messages);
  }
  return { batches, messages };
}

/** What arrives within `ms` when nothing more is expected (every batch is acknowledged). */
async function drain(source: MessageSource, ms: number): Promise<BrokerMessage[]> {
  const got: BrokerMessage[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const batch = await source.next({ maxMessages: 2_000, maxBytes: 8 << 20, maxWaitMs: 200 }, new AbortController().signal);
    got.push(...batch.messages);
    await batch.acknowledge();
  }
  return got;
}

describe('connectMqtt', () => {
  it('fails promptly, as retryable, on a port where nothing listens', async () => {
    const port = await freePort(18_000);
    const started = Date.now();
    const error = await connectMqtt(`mqtt://127.0.0.1:${port}`, { clientId: `dataops-test-refused-${TAG}`, label: LABEL, persistentSession: true }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toBe(`cannot connect to ${LABEL} (127.0.0.1:${port}): connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(error?.name).toBe('Error');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a URL that is not one as bad input, without repeating it', async () => {
    const error = await connectMqtt('not a url', { clientId: 'x', label: LABEL, persistentSession: false }).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'BadInputError', message: `${LABEL} has an unusable URL: Missing protocol` });
  });
});

describe('MQTT source: PUBACK after the commit, on a persistent session', () => {
  it('describes itself by topics and client id, and maps each message', async () => {
    const { clientId, topic } = names('map');
    const source = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    try {
      expect(source.describe).toBe(`mqtt ${topic} (client ${clientId})`);
      await publish(SHARED, topic, 0, 3);
      const { batches, messages } = await collect(source, 3);
      expect(messages.map(seqOf)).toEqual([0, 1, 2]);
      const { createHash } = await import('node:crypto');
      const first = messages[0]!;
      expect(first).toMatchObject({ subject: topic, deliveries: 1 });
      expect(first.sequence).toBeUndefined();
      expect(first.id).toBe(createHash('sha256').update(`${topic}\u0000`).update(payload(topic, 0)).digest('hex').slice(0, 32));
      expect(Math.abs(Date.parse(first.timestamp) - Date.now())).toBeLessThan(10_000);
      for (const batch of batches) await batch.acknowledge();
    } finally {
      await source.close();
    }
  });

  it('(a) acknowledged messages are not delivered again to the next session with the same client id', async () => {
    const { clientId, topic } = names('acked');
    const first = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    await publish(SHARED, topic, 0, 500);
    const { batches, messages } = await collect(first, 500, { maxMessages: 120 });
    expect(messages.map(seqOf)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    expect(batches.length).toBeGreaterThanOrEqual(5);
    for (const batch of batches) await batch.acknowledge();
    await first.close();

    await publish(SHARED, topic, 500, 1);
    const second = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    try {
      expect((await drain(second, 1_500)).map(seqOf)).toEqual([500]);
    } finally {
      await second.close();
    }
  });

  it('(b) a batch closed without acknowledgement comes back whole to the next session, with messages published meanwhile', async () => {
    const { clientId, topic } = names('unacked');
    const first = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    await publish(SHARED, topic, 0, 300);
    const taken = await collect(first, 300);
    expect(taken.messages).toHaveLength(300);
    await first.close();
    // Published while no client holds the session: the broker queues them for it (up to max_queued_messages).
    await publish(SHARED, topic, 300, 200);

    const second = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    try {
      const again = await collect(second, 500);
      expect(again.messages.map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      // The same id on redelivery (the dedupe key relies on it); the DUP flag says it is not the first.
      const before = new Map(taken.messages.map((m) => [seqOf(m), m.id]));
      for (const m of again.messages) {
        if (seqOf(m) < 300) {
          expect(m.id).toBe(before.get(seqOf(m)));
          expect(m.deliveries).toBe(2);
        } else expect(m.deliveries).toBe(1);
      }
      for (const batch of again.batches) await batch.acknowledge();
      expect(await drain(second, 1_000)).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('sends PUBACKs in arrival order: a later batch acknowledged first waits for the earlier one', async () => {
    const { clientId, topic } = names('order');
    const first = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    await publish(SHARED, topic, 0, 100);
    const { batches } = await collect(first, 100, { maxMessages: 50 });
    expect(batches.map((b) => b.messages.length)).toEqual([50, 50]);
    await batches[1]!.acknowledge();
    await first.close();
    // Neither went out: the second batch's PUBACKs were held behind the first's.
    const second = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    const again = await collect(second, 100, { maxMessages: 50 });
    expect(again.messages.map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await again.batches[1]!.acknowledge();
    await again.batches[0]!.acknowledge();
    await second.close();
    const third = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    try {
      expect(await drain(third, 1_500)).toEqual([]);
    } finally {
      await third.close();
    }
  });

  it('release() hands a batch back: the broker sends it again on a fresh connection within seconds', async () => {
    const { clientId, topic } = names('release');
    const source = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    try {
      await publish(SHARED, topic, 0, 40);
      const taken = await collect(source, 40);
      await Promise.all(taken.batches.map((b) => b.release()));
      const again = await collect(source, 40);
      expect(again.messages.map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(again.messages.every((m) => m.deliveries === 2)).toBe(true);
      for (const batch of again.batches) await batch.acknowledge();
      expect(await drain(source, 1_000)).toEqual([]);
    } finally {
      await source.close();
    }
  });

  it('next() returns what arrived when maxWaitMs runs out, stops at maxBytes, and returns empty when aborted', async () => {
    const { clientId, topic } = names('bounds');
    const source = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    try {
      await publish(SHARED, topic, 0, 10);
      await new Promise((r) => setTimeout(r, 300));
      const size = payload(topic, 0).length;
      const small = await source.next({ maxMessages: 100, maxBytes: size * 3, maxWaitMs: 100 }, new AbortController().signal);
      expect(small.messages.map(seqOf)).toEqual([0, 1, 2]);
      expect(small.bytes).toBe(size * 3);
      const rest = await source.next({ maxMessages: 100, maxBytes: 8 << 20, maxWaitMs: 300 }, new AbortController().signal);
      expect(rest.messages.map(seqOf)).toEqual([3, 4, 5, 6, 7, 8, 9]);
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 100);
      const started = Date.now();
      const none = await source.next({ maxMessages: 100, maxBytes: 8 << 20, maxWaitMs: 10_000 }, abort.signal);
      expect(none.messages).toEqual([]);
      expect(Date.now() - started).toBeLessThan(2_000);
      await small.acknowledge();
      await rest.acknowledge();
    } finally {
      await source.close();
    }
  });
});

describe('MQTT source across a broker SIGKILL (own mosquitto)', () => {
  it('(c) unacknowledged messages come back after the restart, acknowledged ones do not; PUBACKs owed on the lost connection are never sent', async () => {
    const broker = await ownMosquitto();
    brokers.push(broker);
    await broker.start();
    const clientId = `dataops-test-restart-${TAG}`;
    const topic = `dataops-test/${TAG}/restart`;
    const source = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    await publish(broker.url, topic, 0, 100);
    const { batches, messages } = await collect(source, 100, { maxMessages: 40 });
    expect(messages.map(seqOf)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    await batches[0]!.acknowledge();
    // Mosquitto saves its database every second: let it save the acknowledged state, then kill it.
    await new Promise((r) => setTimeout(r, 2_500));
    await broker.kill();
    await broker.start();

    // The source reconnects by itself; the session resumes and the broker resends the 60 unacknowledged.
    const again = await collect(source, 60, {}, 20_000);
    expect(again.messages.map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
    expect(again.messages.every((m) => m.deliveries === 2)).toBe(true);
    // Acknowledging the batches of the lost connection now must send nothing: Mosquitto resends with the
    // original packet ids, so a PUBACK sent here would silently acknowledge the redelivered copies.
    for (const batch of batches.slice(1)) await batch.acknowledge();
    await source.close();

    const second = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    try {
      const third = await collect(second, 60, {}, 20_000);
      expect(third.messages.map(seqOf).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
      for (const batch of third.batches) await batch.acknowledge();
      expect(await drain(second, 1_000)).toEqual([]);
    } finally {
      await second.close();
    }
    const last = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    try {
      expect(await drain(last, 1_500)).toEqual([]);
    } finally {
      await last.close();
    }
  });
});

describe('MQTT source: messages held but not handed out when the broker restarts (own mosquitto)', () => {
  it('a resumed session resends them: the held copies are dropped, so each is handed out once', async () => {
    const broker = await ownMosquitto();
    brokers.push(broker);
    await broker.start();
    const clientId = `dataops-test-held-${TAG}`;
    const topic = `dataops-test/${TAG}/held`;
    const source = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    try {
      await publish(broker.url, topic, 0, 50);
      await new Promise((r) => setTimeout(r, 2_500));
      await broker.kill();
      await broker.start();
      await new Promise((r) => setTimeout(r, 2_500));
      const got = await collect(source, 100, {}, 3_000);
      expect(got.messages.map(seqOf)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(got.messages.every((m) => m.deliveries === 2)).toBe(true);
      for (const batch of got.batches) await batch.acknowledge();
    } finally {
      await source.close();
    }
  });

  it('a broker that lost the session (restarted without its database) resends nothing: the held copies are kept, and the source subscribes again', async () => {
    const broker = await ownMosquitto();
    brokers.push(broker);
    await broker.start();
    const clientId = `dataops-test-lost-${TAG}`;
    const topic = `dataops-test/${TAG}/lost`;
    const source = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    try {
      await publish(broker.url, topic, 0, 50);
      await new Promise((r) => setTimeout(r, 500));
      await broker.stop();
      rmSync(join(broker.dir, 'mosquitto.db'));
      await broker.start();
      // Let the source reconnect (within a second) and subscribe again before it is asked for anything:
      // until then a broker that forgot the subscription routes messages nowhere.
      await new Promise((r) => setTimeout(r, 2_500));
      // Not resent by a broker that no longer knows the session: only the copies the source held.
      const held = await collect(source, 50, {}, 5_000);
      expect(held.messages.map(seqOf)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      for (const batch of held.batches) await batch.acknowledge();
      await publish(broker.url, topic, 50, 5);
      expect((await drain(source, 2_000)).map(seqOf)).toEqual([50, 51, 52, 53, 54]);
    } finally {
      await source.close();
    }
  });
});

describe('MQTT source throughput (measured, not asserted)', () => {
  it('(d) delivers and acknowledges a backlog, and a live stream, in batches of 2,000: each message once', { timeout: 240_000 }, async () => {
    const broker = await ownMosquitto();
    brokers.push(broker);
    await broker.start();
    const N = 100_000;
    const clientId = `dataops-test-rate-${TAG}`;
    const topic = `dataops-test/${TAG}/rate`;

    const consume = async (source: MessageSource, count: number) => {
      const seen = new Set<string>();
      let duplicates = 0;
      const started = performance.now();
      let firstAt: number | undefined;
      while (seen.size < count) {
        const batch = await source.next({ maxMessages: 2_000, maxBytes: 8 << 20, maxWaitMs: 1_000 }, new AbortController().signal);
        if (batch.messages.length) firstAt ??= performance.now();
        for (const m of batch.messages) {
          if (seen.has(m.id)) duplicates++;
          seen.add(m.id);
        }
        await batch.acknowledge();
        if (performance.now() - started > 180_000) break;
      }
      return { seen: seen.size, duplicates, seconds: (performance.now() - (firstAt ?? started)) / 1_000 };
    };

    // A backlog: published while the session had no client, drained on connect.
    const subscribe = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    await subscribe.close();
    await publish(broker.url, topic, 0, N);
    const source = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL, receiveMaximum: 10_000 });
    const backlog = await consume(source, N);
    expect(backlog).toMatchObject({ seen: N, duplicates: 0 });

    // Live: the publisher and the source run at once.
    const publishing = publish(broker.url, topic, N, N);
    const live = await consume(source, N);
    await publishing;
    expect(live).toMatchObject({ seen: N, duplicates: 0 });
    expect(await drain(source, 1_000)).toEqual([]);
    await source.close();
    console.log(
      `MQTT source, batches of 2,000, receive maximum 10,000: backlog ${Math.round(N / backlog.seconds)} msg/s, live ${Math.round(N / live.seconds)} msg/s (publisher-bound)`,
    );
  });
});
