import { BadInputError } from '../../errors/bad-input.ts';
import { type MessageSink, MessageTooLargeError, type OutgoingMessage } from '../source-chunk.ts';
import { connectMqtt } from './connect.ts';

export interface MqttSinkOptions {
  /** The publisher's client id (fixed, so the broker's log names the job). */
  clientId: string;
  /** How messages name the connection: `mqtt connection "iot"`. */
  label: string;
}

/** PUBACK reason codes that say the configuration is wrong (not authorized, topic name invalid), not the moment. */
const NOT_RETRYABLE = new Set([0x87, 0x90]);

/** MQTT's largest packet (the remaining length's four-byte limit), when the broker names no smaller one. */
const MQTT_MAX_PACKET = 268_435_455;

/** Bytes of a QoS 1 PUBLISH without properties: fixed header, topic, packet id, property length, payload. */
export function publishPacketBytes(topic: string, payloadBytes: number): number {
  const remaining = 2 + Buffer.byteLength(topic) + 2 + 1 + payloadBytes;
  return 1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4) + remaining;
}

/**
 * Publishes with QoS 1 and resolves once the broker PUBACKed every message. MQTT.js keeps unconfirmed
 * messages and sends them again after a reconnect, so a broker restart delays a publish rather than
 * failing it. MQTT has no duplicate window: a message sent again reaches subscribers again, so
 * `duplicates` is always 0 and the receiving side de-duplicates (the MQTT source's digest of topic and
 * payload is the same for both copies).
 */
export async function openMqttSink(url: string, options: MqttSinkOptions): Promise<MessageSink> {
  const client = await connectMqtt(url, { clientId: options.clientId, label: options.label, persistentSession: false });
  // MQTT 5 forbids more unconfirmed QoS 1 messages than the broker's Receive Maximum (Mosquitto: its
  // max_inflight_messages, 20 by default; stricter brokers disconnect), and MQTT.js does not enforce
  // it. Its packet ids are 16-bit, too: past 65,535 unconfirmed they would repeat. Kept from the last
  // CONNACK, since the client forgets the broker's properties while it reconnects.
  const receiveMaximum = () => Math.min(client.serverProperties?.receiveMaximum ?? 65_535, 65_535);
  // A broker with max_packet_size says so in its CONNACK and drops the connection on a larger packet:
  // MQTT.js would then send it again after every reconnect, for ever. Checked before sending instead.
  const maximumPacket = () => client.serverProperties?.maximumPacketSize ?? MQTT_MAX_PACKET;
  let window = receiveMaximum();
  let packetLimit = maximumPacket();
  client.on('connect', () => {
    window = receiveMaximum();
    packetLimit = maximumPacket();
  });
  const publishOne = async (message: OutgoingMessage) => {
    const payload = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
    try {
      await client.publishAsync(message.subject, payload, { qos: 1 });
    } catch (error) {
      const code = (error as { code?: number }).code;
      const text = `${options.label} did not take message ${message.id} on ${message.subject}: ${(error as Error).message}`;
      throw code !== undefined && NOT_RETRYABLE.has(code) ? new BadInputError(text) : new Error(text);
    }
  };
  return {
    describe: `mqtt publisher (client ${options.clientId})`,
    async publish(messages) {
      let inFlight = 0;
      let slotFreed: (() => void) | undefined;
      let failure: unknown;
      const sent: Promise<void>[] = [];
      // Started in order, so written to the connection (and resent after a reconnect) in order.
      for (const message of messages) {
        while (inFlight >= window && !failure) await new Promise<void>((resolve) => (slotFreed = resolve));
        if (failure) break;
        const bytes = publishPacketBytes(message.subject, message.data.byteLength);
        if (bytes > packetLimit) {
          failure = new MessageTooLargeError(message.id, message.data.byteLength, packetLimit - (bytes - message.data.byteLength));
          break;
        }
        inFlight++;
        sent.push(
          publishOne(message)
            .catch((error) => {
              failure ??= error;
            })
            .finally(() => {
              inFlight--;
              slotFreed?.();
              slotFreed = undefined;
            }),
        );
      }
      await Promise.all(sent);
      if (failure) throw failure;
      return { duplicates: 0 };
    },
    async close() {
      await client.endAsync();
    },
  };
}
