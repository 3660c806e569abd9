import {
  AckPolicy,
  DeliverPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BadInputError } from '../../errors/bad-input.ts';
import type { BatchBounds, BrokerMessage, MessageBatch, MessageSource } from '../source-chunk.ts';
import { connectNats, describeNatsServers } from './connect.ts';

export interface JetStreamSourceOptions {
  stream: string;
  /** Only this subject (wildcards allowed); default the whole stream. */
  subject?: string;
  /** The durable pull consumer, created or updated to this configuration. */
  consumer: string;
  ackWaitMs: number;
  deliver: 'all' | 'new';
  /**
   * Messages the server hands out before it waits for acks: a batch's worth for the batch being
   * committed and one more being read, per worker reading the consumer.
   */
  maxAckPending: number;
  /** Messages asked for ahead of the batch being built (a batch's worth). */
  prefetch: number;
  label: string;
}

export interface JetStreamSource extends MessageSource {
  /** `<stream>@<creation time>`: a stream deleted and created again restarts its sequences. */
  identity: string;
}

const NANOS = 1_000_000;

/**
 * Reads a JetStream stream through a durable pull consumer with explicit acks, never acking before the
 * batch that holds a message was committed. `consume()` keeps pull requests topped up and re-issues them
 * after a server restart or reconnect; messages it prefetched but no batch took are simply redelivered
 * after the ack wait. Checked against NATS server 2.9 (the oldest this runs on): durable consumers with
 * filter subjects, pull requests with expiry and idle heartbeats, `working()`, `term()`.
 */
export async function openJetStreamSource(url: string, options: JetStreamSourceOptions): Promise<JetStreamSource> {
  const nc = await connectNats(url, { name: `dataops ${options.consumer}`, label: options.label });
  try {
    const identity = await ensureConsumer(nc, options, url);
    const consumer = await jetstream(nc).consumers.get(options.stream, options.consumer);
    const messages = await consumer.consume({ max_messages: options.prefetch, expires: 5_000 });
    return new Source(nc, messages, options, identity);
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw error;
  }
}

async function ensureConsumer(nc: NatsConnection, options: JetStreamSourceOptions, url: string): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const where = `stream "${options.stream}" on ${options.label} (${describeNatsServers(url)})`;
  let created: string;
  try {
    created = `${options.stream}@${(await jsm.streams.info(options.stream)).created}`;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) throw new BadInputError(`${where} does not exist: the department defines its streams`);
    throw error;
  }
  const wanted: Partial<ConsumerConfig> = {
    durable_name: options.consumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: options.ackWaitMs * NANOS,
    max_ack_pending: options.maxAckPending,
    // Poison is judged by dataops (quarantined with the payload), not dropped by the server.
    max_deliver: -1,
    deliver_policy: options.deliver === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
    ...(options.subject ? { filter_subject: options.subject } : {}),
  };
  const existing = await jsm.consumers.info(options.stream, options.consumer).catch((error: unknown) => {
    if (error instanceof JetStreamApiError && error.code === 10014) return undefined;
    throw error;
  });
  if (!existing) {
    await jsm.consumers.add(options.stream, wanted);
    return created;
  }
  const config = existing.config;
  if ((config.filter_subject ?? '') !== (options.subject ?? '')) {
    throw new BadInputError(
      `consumer "${options.consumer}" of ${where} reads subject "${config.filter_subject ?? '(all)'}", not "${options.subject ?? '(all)'}": ` +
        'name another consumer (source.consumer) or delete that one first; dataops does not move an existing consumer',
    );
  }
  if (config.ack_policy !== AckPolicy.Explicit || config.deliver_policy !== wanted.deliver_policy) {
    throw new BadInputError(`consumer "${options.consumer}" of ${where} exists with another ack or deliver policy: name another consumer (source.consumer)`);
  }
  if (config.ack_wait !== wanted.ack_wait || config.max_ack_pending !== wanted.max_ack_pending || config.max_deliver !== -1) {
    await jsm.consumers.update(options.stream, options.consumer, { ack_wait: wanted.ack_wait, max_ack_pending: wanted.max_ack_pending, max_deliver: -1 });
  }
  return created;
}

class Source implements JetStreamSource {
  readonly describe: string;
  private readonly iterator: AsyncIterator<JsMsg>;
  /** A read that a batch's deadline overtook: its message belongs to the next batch. */
  private pendingRead: Promise<IteratorResult<JsMsg>> | undefined;
  /** Handed out and not yet acknowledged or released. */
  private readonly outstanding = new Set<JsMsg[]>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly messages: ConsumerMessages,
    options: JetStreamSourceOptions,
    readonly identity: string,
  ) {
    this.describe = `jetstream ${options.stream}${options.subject ? ` (${options.subject})` : ''} via consumer ${options.consumer}`;
    this.iterator = messages[Symbol.asyncIterator]();
  }

  async next(bounds: BatchBounds, signal: AbortSignal): Promise<MessageBatch> {
    const taken: JsMsg[] = [];
    let bytes = 0;
    const deadline = Date.now() + bounds.maxWaitMs;
    let timer: NodeJS.Timeout | undefined;
    let done: () => void = () => undefined;
    const stop = new Promise<'stop'>((resolve) => {
      done = () => resolve('stop');
      signal.addEventListener('abort', done, { once: true });
      timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    });
    try {
      while (taken.length < bounds.maxMessages && bytes < bounds.maxBytes && !signal.aborted) {
        this.pendingRead ??= this.iterator.next();
        const result = await Promise.race([this.pendingRead, stop]);
        if (result === 'stop') break;
        this.pendingRead = undefined;
        // The client gave up on the consumer (deleted, or the stream gone): a retry opens it again or says why.
        if (result.done) throw new Error(`${this.describe}: the consumer stopped delivering`);
        taken.push(result.value);
        bytes += result.value.data.length;
      }
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
    }
    return this.batch(taken, bytes);
  }

  private batch(taken: JsMsg[], bytes: number): MessageBatch {
    this.outstanding.add(taken);
    const messages: BrokerMessage[] = taken.map((m) => ({
      id: `${m.info.stream}:${m.seq}`,
      subject: m.subject,
      sequence: m.seq,
      data: m.data,
      deliveries: m.info.deliveryCount,
      timestamp: m.time.toISOString(),
    }));
    const settle = async (each: (m: JsMsg, i: number) => void) => {
      if (!this.outstanding.delete(taken)) return;
      taken.forEach(each);
      // Acks are fire-and-forget publishes: flush so they have left before the caller moves on.
      await this.nc.flush().catch(() => undefined);
    };
    return {
      messages,
      bytes,
      pending: taken.length ? taken[taken.length - 1]!.info.pending : undefined,
      acknowledge: (terminate) =>
        settle((m, i) => {
          // No reason text: NATS 2.9 does not parse `+TERM <reason>` and would leave the message pending.
          if (terminate?.has(i)) m.term();
          else m.ack();
        }),
      release: () => settle((m) => m.nak()),
      extend: async () => {
        for (const m of taken) m.working();
        await this.nc.flush().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    for (const taken of this.outstanding) for (const m of taken) m.nak();
    this.outstanding.clear();
    // stop(), not close(): close() waits for a pull that may never be answered (an idle stream, a broker away).
    this.messages.stop();
    // Draining flushes the naks, but waits for the server: with the broker down it would wait for ever.
    const drained = this.nc.drain().then(
      () => true,
      () => false,
    );
    const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), 5_000).unref());
    if (!(await Promise.race([drained, timedOut]))) await this.nc.close().catch(() => undefined);
  }
}
