import { afterAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { openMqttSink, publishPacketBytes } from '../../connectors/mqtt/mqtt-sink.ts';
import { openMqttSource } from '../../connectors/mqtt/mqtt-source.ts';
import { type BrokerMessage, type MessageSource, MessageTooLargeError, type OutgoingMessage } from '../../connectors/source-chunk.ts';
import { ownMosquitto, type OwnBroker } from '../support/own-brokers.ts';

// The MQTT sink on real brokers: QoS 1, in order, resolved only once the broker confirmed each message.
const SHARED = process.env.DATAOPS_TEST_MQTT ?? 'mqtt://127.0.0.1:1883';
const TAG = `${process.pid}-${Date.now().toString(36)}`;
const LABEL = 'mqtt connection "test"';
const sessions: { url: string; clientId: string }[] = [];
const brokers: OwnBroker[] = [];

afterAll(async () => {
  for (const { url, clientId } of sessions) {
    const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId, clean: true, properties: { sessionExpiryInterval: 0 }, reconnectPeriod: 0 });
    await client.endAsync();
  }
  for (const broker of brokers) await broker.stop();
});

const encode = (i: number) => new TextEncoder().encode(JSON.stringify({ seq: i }));
const seqOf = (m: BrokerMessage) => (JSON.parse(new TextDecoder().decode(m.data)) as { seq: number }).seq;
const outgoing = (topic: string, from: number, count: number): OutgoingMessage[] =>
  Array.from({ length: count }, (_, k) => ({ subject: topic, id: `m${from + k}`, data: encode(from + k) }));

/** Acknowledged batches until `count` distinct messages arrived (or `withinMs` passed). */
async function receive(source: MessageSource, count: number, withinMs = 30_000): Promise<BrokerMessage[]> {
  const got: BrokerMessage[] = [];
  const ids = new Set<string>();
  const deadline = Date.now() + withinMs;
  while (ids.size < count && Date.now() < deadline) {
    const batch = await source.next({ maxMessages: 2_000, maxBytes: 8 << 20, maxWaitMs: 200 }, new AbortController().signal);
    got.push(...batch.messages);
    for (const m of batch.messages) ids.add(m.id);
    await batch.acknowledge();
  }
  return got;
}

describe('MQTT sink', () => {
  it('publishes more messages than the broker lets be in flight (Mosquitto: 20), in order, each confirmed', async () => {
    const topic = `dataops-test/${TAG}/sink-order`;
    const clientId = `dataops-test-sink-sub-${TAG}`;
    sessions.push({ url: SHARED, clientId });
    const source = await openMqttSource(SHARED, { topics: [topic], clientId, label: LABEL });
    const sink = await openMqttSink(SHARED, { clientId: `dataops-test-sink-${TAG}`, label: LABEL });
    try {
      expect(sink.describe).toBe(`mqtt publisher (client dataops-test-sink-${TAG})`);
      expect(await sink.publish(outgoing(topic, 0, 5_000))).toEqual({ duplicates: 0 });
      const got = await receive(source, 5_000);
      expect(got.map(seqOf)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    } finally {
      await sink.close();
      await source.close();
    }
  });

  it('a publish under way when the broker restarts resolves once the broker is back, and nothing is lost', async () => {
    const broker = await ownMosquitto();
    brokers.push(broker);
    await broker.start();
    const topic = `dataops-test/${TAG}/sink-restart`;
    const clientId = `dataops-test-sink-restart-sub-${TAG}`;
    const source = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    const sink = await openMqttSink(broker.url, { clientId: `dataops-test-sink-restart-${TAG}`, label: LABEL });
    try {
      const N = 50_000;
      let settled = false;
      const publishing = sink.publish(outgoing(topic, 0, N)).finally(() => {
        settled = true;
      });
      await new Promise((r) => setTimeout(r, 200));
      // SIGTERM: Mosquitto saves its database on the way out (after a SIGKILL it would lose what it
      // confirmed since its last save, up to autosave_interval: see README, MQTT brokers).
      await broker.stop();
      expect(settled).toBe(false);
      await broker.start();
      expect(await publishing).toEqual({ duplicates: 0 });
      // The subscriber's copies that were in flight come again (DUP), and a message the broker took
      // but had not confirmed is sent again by the sink: at least once, so compare distinct values.
      const got = await receive(source, N, 60_000);
      const distinct = new Set(got.map(seqOf));
      expect(distinct.size).toBe(N);
    } finally {
      await sink.close();
      await source.close();
    }
  });

  it("refuses a message larger than the broker's max_packet_size before sending it (the broker would drop the connection, and MQTT.js send it again for ever)", async () => {
    const broker = await ownMosquitto(['max_packet_size 1000']);
    brokers.push(broker);
    await broker.start();
    const topic = `dataops-test/${TAG}/sink-size`;
    const clientId = `dataops-test-sink-size-sub-${TAG}`;
    const source = await openMqttSource(broker.url, { topics: [topic], clientId, label: LABEL });
    const sink = await openMqttSink(broker.url, { clientId: `dataops-test-sink-size-${TAG}`, label: LABEL });
    try {
      // The largest payload that fits 1,000 bytes with this topic is taken: the size is counted exactly.
      const fits = 1_000 - publishPacketBytes(topic, 0) - 1;
      expect(publishPacketBytes(topic, fits)).toBe(1_000);
      const at = (bytes: number, id: string) => ({ subject: topic, id, data: new Uint8Array(bytes) });
      expect(await sink.publish([at(fits, 'fits')])).toEqual({ duplicates: 0 });
      expect((await receive(source, 1, 5_000)).map((m) => m.data.length)).toEqual([fits]);
      const error = await sink.publish([at(10, 'small'), at(fits + 1, 'big'), at(10, 'after')]).catch((e: Error) => e);
      expect(error).toBeInstanceOf(MessageTooLargeError);
      expect(error).toMatchObject({ id: 'big', bytes: fits + 1, limit: fits });
      // The messages before it went out; none after it.
      expect((await receive(source, 2, 2_000)).map((m) => m.data.length)).toEqual([10]);
    } finally {
      await sink.close();
      await source.close();
    }
  });
});
