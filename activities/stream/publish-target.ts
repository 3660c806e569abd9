import type { Config } from '../../schemas/config.ts';
import type { StreamPublishTarget } from '../../schemas/stream-publish-spec.ts';
import type { MessageSink } from '../../connectors/source-chunk.ts';
import { resolveBrokerUrl } from '../../config/connections.ts';
import { connectNats } from '../../connectors/nats/connect.ts';
import { jetStreamSink, maxMessageBytes, publishStream, type PublishStream } from '../../connectors/nats/jetstream-sink.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { DATA_RETRY_MAX_INTERVAL_SECONDS } from '../../schemas/retry-policy.ts';
import { openMqttSink } from '../../connectors/mqtt/mqtt-sink.ts';
import { subjectFilter } from './publish-subject.ts';

/** Payloads up to this size go to MQTT brokers (Mosquitto's default message limit is none; a broker's own max_packet_size is checked per message by the sink). */
const MQTT_PAYLOAD_LIMIT = 16 * 1024 * 1024;

/** Time for a retry to reconnect, read up to the batch again and re-send its first message, beyond the heartbeat timeout and backoff. */
const RESEND_ALLOWANCE_SECONDS = 30;

/**
 * The shortest duplicate window that still drops a retry's re-sends: a presumed-dead worker is noticed
 * after the heartbeat timeout, the retry waits up to the longest retry interval, then reopens and sends
 * the batch again. A shorter window would store a batch's early messages twice after a crash.
 */
export function requiredDuplicateWindowMs(heartbeatSeconds: number): number {
  return (heartbeatSeconds + DATA_RETRY_MAX_INTERVAL_SECONDS + RESEND_ALLOWANCE_SECONDS) * 1000;
}

export interface OpenedTarget {
  /** Closing it twice is fine (the stager closes it, and the activity again on its way out). */
  sink: MessageSink;
  /** The largest message payload the broker takes, with room for the headers. */
  maxMessageBytes: number;
  /** JetStream: the stream storing the messages and its duplicate window. */
  stream?: PublishStream;
}

/**
 * Connects to the target's broker and checks it before a row is read: for JetStream, a stream must
 * store every subject the template stands for, with a duplicate window long enough (see above); a
 * shorter one is refused rather than warned about, since exactly-once across a crash is what the job
 * promises and the fix (a longer window) costs the broker only memory for ids.
 */
export async function openPublishTarget(config: Config, target: StreamPublishTarget, heartbeatSeconds: number, name: string): Promise<OpenedTarget> {
  const label = `${target.type === 'jetstream' ? 'nats' : 'mqtt'} connection "${target.connection}"`;
  if (target.type === 'mqtt') {
    // QoS 1 with a PUBACK per message; MQTT has no duplicate window, so a retry's re-sends reach subscribers
    // again (they de-duplicate by the envelope's id). A sink refuses a message over the broker's packet size.
    const sink = await openMqttSink(resolveBrokerUrl(config, target.connection, 'mqtt'), {
      clientId: `${name.replace(/[^A-Za-z0-9_-]/g, '_')}-publisher`,
      label,
    });
    let closed: Promise<void> | undefined;
    return { sink: { ...sink, close: () => (closed ??= sink.close()), publish: (messages) => sink.publish(messages) }, maxMessageBytes: MQTT_PAYLOAD_LIMIT };
  }
  const url = resolveBrokerUrl(config, target.connection, 'nats');
  const nc = await connectNats(url, { name, label });
  try {
    const stream = await publishStream(nc, subjectFilter(target), label, target.stream);
    const required = requiredDuplicateWindowMs(heartbeatSeconds);
    if (stream.duplicateWindowMs < required) {
      throw new BadInputError(
        `JetStream stream ${stream.name} drops re-sent messages for ${stream.duplicateWindowMs / 1000}s (its duplicate window); a retry after a crash ` +
          `re-sends up to ${required / 1000}s later (heartbeat ${heartbeatSeconds}s + retry backoff up to ${DATA_RETRY_MAX_INTERVAL_SECONDS}s + ${RESEND_ALLOWANCE_SECONDS}s to resume), ` +
          `so a crash could store messages twice: raise the window (nats stream edit ${stream.name} --dupe-window ${Math.ceil((required * 2) / 60_000)}m) or lower options.heartbeatSeconds`,
      );
    }
    const sink = jetStreamSink(nc, { stream: stream.name, label });
    let closed: Promise<void> | undefined;
    return {
      sink: { ...sink, close: () => (closed ??= sink.close()), publish: (messages) => sink.publish(messages) },
      maxMessageBytes: maxMessageBytes(nc),
      stream,
    };
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
}
