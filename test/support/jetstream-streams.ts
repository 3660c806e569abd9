import { createHash } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';

/** One message as a stream stores it. */
export interface StoredMessage {
  seq: number;
  subject: string;
  /** Its Nats-Msg-Id header. */
  id: string | undefined;
  data: string;
  /** SHA-256 of the payload bytes. */
  checksum: string;
}

/** The shared NATS (127.0.0.1:4222) for tests that make their own streams, under names no other test uses. */
export async function testStreams(url = 'nats://127.0.0.1:4222'): Promise<{
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** A stream of its own for one test: `<PREFIX>_<pid>_<n>` storing `<prefix><pid>n<n>.>`. */
  create(prefix: string, options?: { duplicateWindowMs?: number }): Promise<{ name: string; subjects: string }>;
  /** Every message the stream holds, in order. */
  read(name: string): Promise<StoredMessage[]>;
  count(name: string): Promise<number>;
  close(): Promise<void>;
}> {
  const nc = await connect({ servers: url.replace(/^nats:\/\//, '') });
  const jsm = await jetstreamManager(nc);
  const made: string[] = [];
  let n = 0;
  return {
    nc,
    jsm,
    async create(prefix, options = {}) {
      n += 1;
      const name = `${prefix.toUpperCase()}_${process.pid}_${n}`;
      const root = `${prefix.toLowerCase()}${process.pid}n${n}`;
      await jsm.streams.add({
        name,
        subjects: [`${root}.>`],
        ...(options.duplicateWindowMs ? { duplicate_window: options.duplicateWindowMs * 1e6 } : {}),
      });
      made.push(name);
      return { name, subjects: root };
    },
    async read(name) {
      const last = (await jsm.streams.info(name)).state.last_seq;
      const out: StoredMessage[] = [];
      if (!last) return out;
      const consumer = await jetstream(nc).consumers.get(name);
      const messages = await consumer.consume({ max_messages: 2_000 });
      for await (const m of messages) {
        out.push({
          seq: m.seq,
          subject: m.subject,
          id: m.headers?.get('Nats-Msg-Id'),
          data: m.string(),
          checksum: createHash('sha256').update(m.data).digest('hex'),
        });
        if (m.seq >= last) break;
      }
      return out;
    },
    async count(name) {
      return (await jsm.streams.info(name)).state.messages;
    },
    async close() {
      for (const name of made) await jsm.streams.delete(name).catch(() => undefined);
      await nc.close();
    },
  };
}
