import { createHash } from 'node:crypto';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { BadInputError } from '../../errors/bad-input.ts';
import type { BatchBounds, BrokerMessage, MessageBatch, MessageSource } from '../source-chunk.ts';
import { connectMqtt } from './connect.ts';

export interface MqttSourceOptions {
  /** Topic filters, subscribed with QoS 1. */
  topics: readonly string[];
  /** The persistent session's client id. */
  clientId: string;
  /** How messages name the connection: `mqtt connection "iot"`. */
  label: string;
  /**
   * Messages the broker may have outstanding (sent, not yet PUBACKed) at once: what this source buffers
   * at most, and so an upper bound on a batch. Keep it above `maxMessages` so the next batch fills while
   * one commits. Default 65,535 (MQTT's maximum).
   */
  receiveMaximum?: number;
}

/** One network connection: PUBACKs go only on the connection the PUBLISH came in on. */
interface Connection {
  readonly stream: MqttClient['stream'];
  /** Its QoS 1 deliveries not yet PUBACKed or dropped, oldest first from `head`. */
  readonly inFlight: Delivery[];
  head: number;
  lost: boolean;
}

interface Delivery {
  readonly message: BrokerMessage;
  readonly bytes: number;
  /** The PUBLISH's packet id on its connection; undefined for QoS 0 (nothing to acknowledge). */
  readonly packetId: number | undefined;
  readonly connection: Connection;
  state: 'open' | 'acknowledged' | 'dropped';
}

/** Stable across redeliveries (MQTT has no message id): what the dedupe key and quarantine name it by. */
export function mqttMessageId(topic: string, payload: Uint8Array): string {
  return createHash('sha256').update(topic).update('\u0000').update(payload).digest('hex').slice(0, 32);
}

/**
 * Sends one PUBACK. MQTT.js has no public call for it: its own PUBACK follows the `handleMessage`
 * callback, and it hands over the next packet only after that callback, so holding the callback until a
 * commit would mean one message per commit. This uses the client's internal packet sender
 * (`_sendPacket`, MQTT.js 5), checked at open so an upgrade that drops it fails loudly, not silently.
 * Callers send only while the PUBLISH's own connection is up: on a closed one `_sendPacket` would queue
 * the PUBACK for the next connection, where its packet id names another message.
 */
function sendPuback(client: MqttClient, packetId: number, written: () => void): void {
  (client as unknown as InternalSender)._sendPacket({ cmd: 'puback', messageId: packetId, reasonCode: 0 }, written);
}

interface InternalSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }, written: () => void): void;
}

/**
 * Reads MQTT topics with QoS 1 on a persistent session, handing out bounded batches whose PUBACKs are
 * sent only when the batch is acknowledged (after its commit), in the order the PUBLISHes arrived as
 * MQTT requires. Until then the broker keeps each message in the session and sends it again (DUP) on
 * the next connection; PUBACKs owed on a connection that was lost are never sent on its successor.
 */
export async function openMqttSource(url: string, options: MqttSourceOptions): Promise<MessageSource> {
  /** Arrived and not handed out yet, oldest first from `readyHead`. */
  let ready: Delivery[] = [];
  let readyHead = 0;
  let readyBytes = 0;
  let current: Connection | undefined;
  let closed = false;
  let wake: (() => void) | undefined;

  const readyCount = () => ready.length - readyHead;
  const connectionOf = (client: MqttClient): Connection => {
    if (!current || current.stream !== client.stream) current = { stream: client.stream, inFlight: [], head: 0, lost: false };
    return current;
  };

  const receive = (client: MqttClient, packet: IPublishPacket) => {
    const connection = connectionOf(client);
    const data = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const delivery: Delivery = {
      message: {
        id: mqttMessageId(packet.topic, data),
        subject: packet.topic,
        data,
        deliveries: packet.dup ? 2 : 1,
        timestamp: new Date().toISOString(),
      },
      bytes: data.length,
      packetId: packet.qos > 0 ? packet.messageId : undefined,
      connection,
      state: 'open',
    };
    if (delivery.packetId !== undefined) connection.inFlight.push(delivery);
    if (closed) return;
    ready.push(delivery);
    readyBytes += delivery.bytes;
    wake?.();
  };

  // A lost connection's PUBACKs are never sent (see flush); its batches already handed out may still
  // commit, and the dedupe key absorbs their redelivered copies.
  const lose = () => {
    if (!current) return;
    current.lost = true;
    current = undefined;
  };
  // A resumed session resends, with DUP, whatever the lost connection had not PUBACKed: the copies
  // still waiting here are dropped. A session the broker no longer had (it restarted without
  // persistence, or the session expired) resends nothing, so they are kept and handed out.
  const resumed = (connack: { sessionPresent?: boolean }) => {
    if (!connack.sessionPresent) return;
    ready = ready.slice(readyHead).filter((d) => !d.connection.lost);
    readyHead = 0;
    readyBytes = ready.reduce((sum, d) => sum + d.bytes, 0);
  };

  const client = await connectMqtt(url, {
    clientId: options.clientId,
    label: options.label,
    persistentSession: true,
    receiveMaximum: options.receiveMaximum,
    beforeConnect: (c) => {
      if (typeof (c as unknown as Partial<InternalSender>)._sendPacket !== 'function')
        throw new Error('this MQTT.js has no _sendPacket: the MQTT source cannot send its own PUBACKs (see connectors/mqtt/mqtt-source.ts)');
      // An error to the callback makes MQTT.js skip its PUBACK and go on to the next packet.
      c.handleMessage = (packet, callback) => {
        receive(c, packet);
        callback(new Error('acknowledged after the commit'));
      };
      c.on('close', lose);
      c.on('connect', resumed);
    },
  });

  try {
    const granted = await client.subscribeAsync([...options.topics], { qos: 1, rh: 1 });
    const refused = granted.filter((g) => g.qos !== 1);
    if (refused.length) throw new BadInputError(`${options.label} granted ${refused.map((g) => `${g.topic} QoS ${g.qos}`).join(', ')} instead of QoS 1`);
  } catch (error) {
    client.end(true);
    const code = (error as { code?: number }).code;
    if (error instanceof BadInputError) throw error;
    const message = `${options.label} refused the subscription to ${options.topics.join(', ')}: ${(error as Error).message}`;
    throw code !== undefined && code >= 0x80 ? new BadInputError(message) : new Error(message);
  }

  /** PUBACKs every acknowledged delivery at the head of the connection's order; stops at one still open. */
  const flush = (connection: Connection): Promise<void> => {
    if (closed || connection.lost || connection.stream !== client.stream || !client.connected) return Promise.resolve();
    let last: Promise<void> = Promise.resolve();
    const queue = connection.inFlight;
    while (connection.head < queue.length && queue[connection.head]!.state !== 'open') {
      const delivery = queue[connection.head++]!;
      if (delivery.state === 'acknowledged') last = new Promise((resolve) => sendPuback(client, delivery.packetId!, resolve));
    }
    if (connection.head > 4096 && connection.head * 2 > queue.length) {
      queue.splice(0, connection.head);
      connection.head = 0;
    }
    return last;
  };

  const settle = (deliveries: readonly Delivery[], state: 'acknowledged' | 'dropped') => {
    const connections = new Set<Connection>();
    for (const d of deliveries) {
      if (d.state !== 'open') continue;
      d.state = state;
      if (d.packetId !== undefined) connections.add(d.connection);
    }
    return connections;
  };

  const take = (bounds: BatchBounds): Delivery[] => {
    const taken: Delivery[] = [];
    let bytes = 0;
    while (readyHead < ready.length && taken.length < bounds.maxMessages) {
      const next = ready[readyHead]!;
      if (taken.length && bytes + next.bytes > bounds.maxBytes) break;
      taken.push(next);
      bytes += next.bytes;
      readyHead++;
    }
    readyBytes -= bytes;
    if (readyHead > 4096 && readyHead * 2 > ready.length) {
      ready = ready.slice(readyHead);
      readyHead = 0;
    }
    return taken;
  };

  const batchOf = (deliveries: Delivery[]): MessageBatch => ({
    messages: deliveries.map((d) => d.message),
    bytes: deliveries.reduce((sum, d) => sum + d.bytes, 0),
    // MQTT has no message of acknowledging a poison message differently: its PUBACK ends its redelivery.
    async acknowledge() {
      await Promise.all([...settle(deliveries, 'acknowledged')].map(flush));
    },
    async release() {
      const connections = settle(deliveries, 'dropped');
      await Promise.all([...connections].map(flush));
      // The broker resends an un-PUBACKed message only on a new connection: reconnect now, so the
      // released messages come back within a second instead of when the worker next restarts.
      if (!closed && current && connections.has(current)) client.reconnect();
    },
    async extend() {},
  });

  const enough = (bounds: BatchBounds) => readyCount() >= bounds.maxMessages || readyBytes >= bounds.maxBytes;

  return {
    describe: `mqtt ${options.topics.join(', ')} (client ${options.clientId})`,
    async next(bounds, signal) {
      if (wake) throw new Error('next() called while an earlier next() is still waiting');
      if (!closed && !signal.aborted && !enough(bounds)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, bounds.maxWaitMs);
          signal.addEventListener('abort', done);
          wake = () => {
            if (closed || enough(bounds)) done();
          };
        });
      }
      return batchOf(closed || signal.aborted ? [] : take(bounds));
    },
    async close() {
      if (closed) return;
      closed = true;
      wake?.();
      for (const d of ready.slice(readyHead)) d.state = 'dropped';
      ready = [];
      readyHead = 0;
      readyBytes = 0;
      // Nothing pending is PUBACKed: the session keeps those messages for the next connection.
      const ended = client.endAsync();
      const timer = setTimeout(() => client.stream?.destroy(), 5_000);
      await ended.finally(() => clearTimeout(timer));
    },
  };
}
