import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { BadInputError } from '../../errors/bad-input.ts';
import { MessageTooLargeError, type MessageSink, type OutgoingMessage } from '../source-chunk.ts';
import { subjectCovers } from './subjects.ts';

/** The stream that stores a subject, as the server describes it. */
export interface PublishStream {
  name: string;
  subjects: string[];
  /** How long the stream remembers message ids (Nats-Msg-Id) to drop re-sends. */
  duplicateWindowMs: number;
}

/**
 * The stream that stores every subject `subject` stands for (wildcards allowed, e.g. a `{key}`
 * token as `*`): the one named, or the one the server finds for it. A stream that would store only
 * some of them, or none, is refused: a publish it does not capture has no one to confirm it.
 */
export async function publishStream(nc: NatsConnection, subject: string, label: string, expected?: string): Promise<PublishStream> {
  const jsm = await jetstreamManager(nc);
  let name = expected;
  if (!name) {
    try {
      name = await jsm.streams.find(subject);
    } catch (error) {
      if (/no stream matches/i.test((error as Error).message)) {
        throw new BadInputError(`no JetStream stream on ${label} stores ${subject}: create one whose subjects cover it (the centre does not define streams)`);
      }
      throw error;
    }
  }
  let info: Awaited<ReturnType<typeof jsm.streams.info>>;
  try {
    info = await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) throw new BadInputError(`JetStream stream ${name} does not exist on ${label}`);
    throw error;
  }
  const subjects = info.config.subjects ?? [];
  if (!subjects.some((pattern) => subjectCovers(pattern, subject))) {
    throw new BadInputError(`JetStream stream ${name} on ${label} stores ${subjects.join(', ') || 'no subjects'}, which do not cover ${subject}`);
  }
  return { name, subjects, duplicateWindowMs: Math.round(info.config.duplicate_window / 1e6) };
}

export interface JetStreamSinkOptions {
  /** Every message must land in this stream (Nats-Expected-Stream): a subject remapped elsewhere fails instead. */
  stream: string;
  /** How messages name the destination: `nats connection "centre-nats"`. */
  label: string;
  /** Publishes awaiting their PubAck at once. */
  maxInFlight?: number;
  /** How long one PubAck may take. */
  ackTimeoutMs?: number;
}

/** Room for the headers a message carries (NATS/1.0 line, Nats-Msg-Id, Nats-Expected-Stream) inside max_payload. */
const HEADER_ALLOWANCE = 512;

/** The largest payload a message may have on this connection (the server's max_payload, less room for its headers). */
export function maxMessageBytes(nc: NatsConnection): number {
  return (nc.info?.max_payload ?? 1024 * 1024) - HEADER_ALLOWANCE;
}

/**
 * A MessageSink over JetStream publish. Each message carries its id as Nats-Msg-Id, so the stream
 * drops a re-send inside its duplicate window (and says so: PubAck.duplicate, counted). Publishes are
 * pipelined: up to `maxInFlight` wait for their PubAck at once, in order on one connection; `publish`
 * resolves only once every message of the call is confirmed, and fails if any is not (the caller
 * then re-sends them all, which the duplicate window absorbs). Closing drains the connection.
 */
export function jetStreamSink(nc: NatsConnection, options: JetStreamSinkOptions): MessageSink {
  const js = jetstream(nc);
  const maxInFlight = options.maxInFlight ?? 1_000;
  const timeout = options.ackTimeoutMs ?? 30_000;
  const limit = maxMessageBytes(nc);
  return {
    describe: `jetstream ${options.stream} on ${options.label}`,
    async publish(messages: readonly OutgoingMessage[]) {
      let duplicates = 0;
      let failure: unknown;
      const window: Promise<void>[] = [];
      const settle = (ack: Promise<PubAck>) =>
        ack.then(
          (a) => {
            if (a.duplicate) duplicates++;
          },
          (error: unknown) => {
            failure ??= error;
          },
        );
      for (const m of messages) {
        if (failure) break;
        if (m.data.length > limit) {
          failure = new MessageTooLargeError(m.id, m.data.length, limit);
          break;
        }
        window.push(settle(js.publish(m.subject, m.data, { msgID: m.id, expect: { streamName: options.stream }, timeout })));
        if (window.length >= maxInFlight) await window.shift();
      }
      await Promise.all(window);
      if (failure) throw publishFailure(failure, options);
      return { duplicates };
    },
    async close() {
      await nc.drain().catch(() => nc.close());
    },
  };
}

/** JetStream's reason, with the stream named; configuration errors are not retried. */
function publishFailure(error: unknown, options: JetStreamSinkOptions): Error {
  if (error instanceof MessageTooLargeError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof JetStreamApiError && error.code === 10060) {
    return new BadInputError(`a message for ${options.stream} on ${options.label} went to another stream: ${message}`);
  }
  return new Error(`publishing to ${options.stream} on ${options.label} failed: ${message}`);
}
