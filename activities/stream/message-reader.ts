import type { BatchBounds, MessageSource, RecordReader, SourceChunk } from '../../connectors/source-chunk.ts';
import { streamColumns } from './stream-table.ts';
import type { StreamIngestJobSpec } from '../../schemas/job-spec.ts';

/** Whether a message came too often without a commit: quarantined unread and told never to come back. */
export function isPoison(deliveries: number, maxDeliveries: number): boolean {
  return deliveries >= maxDeliveries;
}

export interface MessageReaderOptions {
  bounds: BatchBounds;
  /** The slice ends here (epoch ms): the activity returns and the workflow starts the next slice. */
  until: number;
  signal: AbortSignal;
  maxDeliveries: number;
  /** How often a batch still being committed asks the broker not to redeliver it yet (JetStream working()). */
  extendEveryMs: number;
  /**
   * For brokers that only flag a redelivery: counts it (durably, before the batch is worked on) and
   * answers each redelivered message's deliveries so far, by id.
   */
  countRedeliveries?: (ids: string[]) => Promise<Map<string, number>>;
}

/**
 * A message source as the batch stager reads sources: one chunk per broker batch (the chunk's rows are
 * the message ids, the messages ride along), until the slice's time is up or the activity is cancelled.
 * A chunk's acknowledgement terminates its poison messages and acks the rest; the stager calls it only
 * after the batch committed. While a batch waits for its commit, it keeps asking the broker for time.
 */
export function messageReader(spec: StreamIngestJobSpec, source: MessageSource, options: MessageReaderOptions): RecordReader {
  return {
    columns: streamColumns(spec),
    copyOptions: 'FORMAT text',
    async *chunks(): AsyncGenerator<SourceChunk> {
      while (Date.now() < options.until && !options.signal.aborted) {
        const batch = await source.next(
          { ...options.bounds, maxWaitMs: Math.min(options.bounds.maxWaitMs, Math.max(0, options.until - Date.now())) },
          options.signal,
        );
        if (!batch.messages.length) continue;
        if (options.countRedeliveries) {
          const again = batch.messages.filter((m) => m.deliveries > 1);
          if (again.length) {
            const counted = await options.countRedeliveries(again.map((m) => m.id));
            for (const m of again) m.deliveries = counted.get(m.id) ?? m.deliveries;
          }
        }
        const poison = new Set<number>();
        batch.messages.forEach((m, i) => {
          if (isPoison(m.deliveries, options.maxDeliveries)) poison.add(i);
        });
        const keepAlive = setInterval(() => void batch.extend().catch(() => undefined), options.extendEveryMs);
        const last = batch.messages[batch.messages.length - 1]!;
        try {
          yield {
            rows: batch.messages.map((m) => [m.id]),
            payload: Buffer.alloc(0),
            bytes: batch.bytes,
            end: { lastKey: last.sequence === undefined ? last.id : String(last.sequence) },
            messages: batch.messages,
            backlog: batch.pending,
            acknowledge: async () => {
              clearInterval(keepAlive);
              await batch.acknowledge(poison);
            },
          };
        } finally {
          // The stager asks for the next chunk only after this one's batch committed (or it stops reading,
          // failing): either way the batch needs no more time. Uncommitted batches are released on close.
          clearInterval(keepAlive);
        }
      }
    },
    close: () => source.close(),
  };
}
