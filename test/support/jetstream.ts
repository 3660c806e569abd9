import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export const SHARED_NATS_URL = process.env.DATAOPS_TEST_NATS ?? 'nats://127.0.0.1:4222';

/** A stream of the test's own on a NATS server (names carry the process id: test files share the broker). */
export async function createTestStream(name: string, subject: string, url = SHARED_NATS_URL): Promise<void> {
  const nc = await connect({ servers: url.replace(/^nats:\/\//, '') });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(name).catch(() => undefined);
    await jsm.streams.add({ name, subjects: [subject], duplicate_window: 120 * 1_000_000_000 });
  } finally {
    await nc.close();
  }
}

export async function deleteTestStream(name: string, url = SHARED_NATS_URL): Promise<void> {
  const nc = await connect({ servers: url.replace(/^nats:\/\//, '') });
  try {
    await (await jetstreamManager(nc)).streams.delete(name).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

/** Publishes every payload to `subject`, a few thousand in flight at once, waiting for each PubAck. */
export async function publishAll(subject: string, payloads: readonly (string | Uint8Array)[], url = SHARED_NATS_URL, nc?: NatsConnection): Promise<void> {
  const own = nc ?? (await connect({ servers: url.replace(/^nats:\/\//, '') }));
  try {
    const js = jetstream(own);
    for (let i = 0; i < payloads.length; i += 2_000) {
      await Promise.all(payloads.slice(i, i + 2_000).map((p) => js.publish(subject, typeof p === 'string' ? new TextEncoder().encode(p) : p)));
    }
  } finally {
    if (!nc) await own.close();
  }
}
