import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { BadInputError } from '../../errors/bad-input.ts';

export interface MqttConnectOptions {
  /** The session's client id: fixed, so the broker keeps the session (and its QoS 1 messages) between connections. */
  clientId: string;
  /** How error messages name it: `mqtt connection "iot"`. */
  label: string;
  /** Keep the session when disconnected (subscribers: true). */
  persistentSession: boolean;
  /** More client options (e.g. a custom `handleMessage`, `customHandleAcks`). */
  extra?: Partial<IClientOptions>;
}

/** Where an MQTT URL points, for messages that may reach a workflow's history: host and port only. */
export function describeMqttServer(url: string): string {
  try {
    return new URL(url).host || 'the default server';
  } catch {
    return 'a server whose URL does not parse';
  }
}

/** CONNACK reason codes that retrying cannot fix (MQTT 5): the configuration is wrong, not the network. */
const NOT_RETRYABLE = new Set([0x84, 0x85, 0x86, 0x87, 0x8a, 0x8c]);

/**
 * Connects an MQTT 5 client from a connection URL (`mqtt://user:password@host:1883`). A persistent
 * session asks the broker to keep it for a week: QoS 1 messages published while the worker is down wait
 * for it. The client reconnects by itself every second after losing the broker.
 */
export async function connectMqtt(url: string, options: MqttConnectOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    protocolVersion: 5,
    clientId: options.clientId,
    clean: !options.persistentSession,
    properties: options.persistentSession ? { sessionExpiryInterval: 7 * 24 * 3600, receiveMaximum: 65_535 } : { receiveMaximum: 65_535 },
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    ...options.extra,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (error: Error & { code?: number }) => {
        client.off('connect', ok);
        reject(error);
      };
      const ok = () => {
        client.off('error', fail);
        resolve();
      };
      client.once('connect', ok);
      client.once('error', fail);
    });
  } catch (error) {
    client.end(true);
    const code = (error as { code?: number }).code;
    const where = `${options.label} (${describeMqttServer(url)})`;
    const message = `cannot connect to ${where}: ${(error as Error).message}`;
    throw code !== undefined && NOT_RETRYABLE.has(code) ? new BadInputError(message) : new Error(message);
  }
  // Errors after the first connection are the reconnect loop's business; unheard they would end the worker.
  client.on('error', () => undefined);
  return client;
}
