import { resolveBrokerUrl } from '../../config/connections.ts';
import { openJetStreamSource } from '../../connectors/nats/jetstream-source.ts';
import type { MessageSource } from '../../connectors/source-chunk.ts';
import { durationMs } from '../../schemas/duration.ts';
import type { Config } from '../../schemas/config.ts';
import type { StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import { openMqttSource } from '../../connectors/mqtt/mqtt-source.ts';

export interface OpenedMessageSource {
  source: MessageSource;
  /** The broker's identity of its sequence space, when it has one (JetStream: the stream's creation time). */
  identity?: string;
  /**
   * False where the broker only says "redelivered" (MQTT's DUP flag): dataops then counts a message's
   * deliveries itself, so a message that keeps crashing its batch still becomes poison.
   */
  countsDeliveries?: boolean;
}

/** A consumer / client name from the job name: brokers refuse dots in durable names. */
export function streamClientName(job: string): string {
  return `dataops-${job.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** Opens the stream's source on its broker: the one place that knows which connector reads which source type. */
export async function openMessageSource(config: Config, spec: StreamIngestJobSpec): Promise<OpenedMessageSource> {
  const source = spec.source;
  if (source.type === 'jetstream') {
    const opened = await openJetStreamSource(resolveBrokerUrl(config, source.connection, 'nats'), {
      stream: source.stream,
      subject: source.subject,
      consumer: source.consumer ?? streamClientName(spec.job),
      ackWaitMs: durationMs(source.ackWait)!,
      deliver: source.deliver,
      // The batch being committed plus the one being read; more only fills the worker's memory.
      maxAckPending: 2 * spec.batch.maxMessages,
      prefetch: spec.batch.maxMessages,
      label: `nats connection "${source.connection}"`,
    });
    return { source: opened, identity: opened.identity };
  }
  const opened = await openMqttSource(resolveBrokerUrl(config, source.connection, 'mqtt'), {
    topics: source.topics,
    clientId: source.clientId ?? streamClientName(spec.job),
    label: `mqtt connection "${source.connection}"`,
    // What the source buffers at most: the batch being committed and the next one filling.
    receiveMaximum: Math.min(65_535, 3 * spec.batch.maxMessages),
  });
  return { source: opened, countsDeliveries: false };
}
