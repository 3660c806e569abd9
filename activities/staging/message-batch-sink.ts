import type { MessageSink, OutgoingMessage } from '../../connectors/source-chunk.ts';
import type { BatchSink, SinkInit } from './batch-sink.ts';

export interface MessageBatchSink extends BatchSink<readonly OutgoingMessage[]> {
  /** The last committed batch: messages published, and those the broker dropped as re-sends of ones it already had. */
  readonly lastBatch: { messages: number; duplicates: number };
}

/**
 * Batches to a broker (any MessageSink: JetStream, MQTT). A batch's messages are held until its
 * commit, published there, and only once the broker confirmed every one does the checkpoint (with
 * the service's commit work, e.g. a watermark) commit, in one transaction in the centre. A crash in
 * between leaves the checkpoint before the batch, so the retry sends it again with the same message
 * ids, which a broker with a duplicate window drops: confirmed messages are never lost, and re-sends
 * are counted, not stored twice.
 */
export function openMessageBatchSink(init: SinkInit, broker: MessageSink): MessageBatchSink {
  let ready = init.ready;
  let pending: OutgoingMessage[] = [];
  let lastBatch = { messages: 0, duplicates: 0 };
  const sink: MessageBatchSink = {
    columns: init.columns,
    get created() {
      return ready;
    },
    get lastBatch() {
      return lastBatch;
    },
    async ensure() {
      if (ready) return;
      // Nothing to create on a broker: the attempt's first checkpoint marks the start.
      await init.onCreate(sink.columns);
      ready = true;
    },
    async write(messages) {
      for (const m of messages) pending.push(m);
    },
    async widen() {
      throw new Error('messages carry the values as read: no widening');
    },
    async endStream() {},
    async commit(work) {
      const batch = pending;
      pending = [];
      const { duplicates } = batch.length ? await broker.publish(batch) : { duplicates: 0 };
      lastBatch = { messages: batch.length, duplicates };
      await init.client.query('BEGIN');
      try {
        await work();
        await init.client.query('COMMIT');
      } catch (error) {
        await init.client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    async abort() {
      // Some may have reached the broker: the retry sends them again under the same ids.
      pending = [];
    },
    close: () => broker.close(),
  };
  return sink;
}
