import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { BadInputError } from '../../errors/bad-input.ts';

export interface MqttConnectOptions {
  /** The session's client id: fixed, so the broker keeps the session (and its QoS 1 messages) between connections. */
  clientId: string;
  /** How error messages name it: `mqtt connection "iot"`. */
  label: string;
  /** Keep the session when disconnected (subscribers: true). */
  persistentSession: boolean;
  /**
   * How many QoS 1 messages the broker may send before earlier ones are acknowledged (MQTT 5 Receive
   * Maximum, at most 65,535): a source holding PUBACKs until its commit gets at most this many ahead.
   */
  receiveMaximum?: number;
  /** More client options (e.g. `customHandleAcks`). */
  extra?: Partial<IClientOptions>;
  /**
   * Called with the client before it connects: the place to override `handleMessage`. Set after the
   * connection instead, it would miss the messages a resumed session sends right behind the CONNACK
   * (MQTT.js handles them before the caller's `await` returns) and they would be acknowledged unseen.
   */
  beforeConnect?: (client: MqttClient) => void;
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
  const receiveMaximum = options.receiveMaximum ?? 65_535;
  let client: MqttClient;
  try {
    client = mqtt.connect(url, {
      protocolVersion: 5,
      clientId: options.clientId,
      clean: !options.persistentSession,
      properties: options.persistentSession ? { sessionExpiryInterval: 7 * 24 * 3600, receiveMaximum } : { receiveMaximum },
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...options.extra,
      manualConnect: true,
    });
  } catch (error) {
    // MQTT.js names what is wrong with the URL ("Missing protocol") without repeating it.
    throw new BadInputError(`${options.label} has an unusable URL: ${(error as Error).message}`);
  }
  // Each lost connection emits an error that the reconnect loop deals with; unheard, one would end the worker.
  client.on('error', () => undefined);
  options.beforeConnect?.(client);
  const connected = new Promise<void>((resolve, reject) => {
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
  try {
    client.connect();
    await connected;
  } catch (error) {
    try {
      client.end(true);
    } catch {
      // a client whose stream never opened has nothing to end
    }
    const code = (error as { code?: number }).code;
    const where = `${options.label} (${describeMqttServer(url)})`;
    const message = `cannot connect to ${where}: ${(error as Error).message}`;
    throw code !== undefined && NOT_RETRYABLE.has(code) ? new BadInputError(message) : new Error(message);
  }
  return client;
}
