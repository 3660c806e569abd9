import type pg from 'pg';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import type { BrokerMessage, Field, SourceChunk } from '../../connectors/source-chunk.ts';
import type { RulePlan } from '../../governance/rules/engine.ts';
import type { Reason } from '../../governance/rules/types.ts';
import type { Decoded } from '../../governance/stream/decode-message.ts';
import { forgetRedeliveries, quarantinedMessageIds, recordStreamBatch } from '../../catalogue/streams.ts';
import type { DeviceTracker } from './device-tracker.ts';
import type { StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { ChunkTransform, StagedState } from '../staging/batch-stager.ts';
import type { BatchSink } from '../staging/batch-sink.ts';
import { QuarantineBuffer } from '../cleanse/quarantine-buffer.ts';
import { isPoison } from './message-reader.ts';
import { moveIntoStreamTable, type PartitionKeeper } from './stream-table.ts';

/** The quarantine step of every stream-ingest run: `dataops quarantine list <run>` shows the stream's rejects. */
export const INGEST_STEP = 'ingest';

/** What a slice's checkpoint holds beyond the shared counts (rows = messages read). */
export interface IngestCheckpoint extends StagedState {
  written: number;
  quarantined: number;
  duplicates: number;
  poison: number;
  lastSequence?: number;
  lag?: number;
}

/** How much of an unreadable message the quarantine keeps. */
const RAW_PREVIEW_BYTES = 4096;

interface Rejection {
  message: BrokerMessage;
  findings: { ruleId: string; column: string; reason: Reason }[];
  /** The decoded fields, when decoding got that far. */
  values?: readonly Field[];
}

export interface IngestTransformOptions {
  runId: string;
  spec: StreamIngestJobSpec;
  plan: RulePlan;
  decode: (data: Uint8Array, subject: string) => Decoded;
  devices: DeviceTracker | undefined;
  partitions: PartitionKeeper;
}

function rawPreview(message: BrokerMessage): Field[] {
  const slice = message.data.subarray(0, RAW_PREVIEW_BYTES);
  const text = Buffer.from(slice).toString('utf8');
  const shown = text.includes('\uFFFD') ? `base64:${Buffer.from(slice).toString('base64')}` : text;
  const cut = message.data.length > RAW_PREVIEW_BYTES ? ` … (${message.data.length} bytes in all)` : '';
  return [message.subject, `${shown.replace(/\u0000/g, '\\u0000')}${cut}`];
}

/**
 * One ingest slice's chunk transform: every message through size, poison, JSON and type checks, the
 * device registry and the stream's cleanse rules; good records to staging, the rest to quarantine with
 * their reason. At each commit the batch moves from staging into the target by its dedupe key, and the
 * quarantine entries, device states, stream totals and the minute's window commit with it; the stager
 * acknowledges the messages only after that.
 */
export function ingestTransform(o: IngestTransformOptions): ChunkTransform<IngestCheckpoint> {
  const { spec, plan } = o;
  const fieldNames = plan.columns;
  const counters = plan.newCounters();
  const decodedQuarantine = new QuarantineBuffer(o.runId, INGEST_STEP, [...fieldNames, 'dataops_subject']);
  const rawQuarantine = new QuarantineBuffer(o.runId, INGEST_STEP, ['dataops_subject', 'payload']);
  let rejections: Rejection[] = [];
  const fresh = () => ({
    messages: 0,
    bytes: 0,
    poison: 0,
    lastSequence: undefined as number | undefined,
    lag: undefined as number | undefined,
    /** Redelivered messages: their delivery counts (brokers that only flag redeliveries) go once the batch commits. */
    redelivered: [] as string[],
    /** Devices: readings that passed every check, noted as accepted once the dedupe key let them in. */
    readings: [] as { id: string; values: readonly Field[]; arrivedAt: Date }[],
  });
  let batch = fresh();

  const reject = (message: BrokerMessage, ruleId: string, column: string, reason: Reason, values?: readonly Field[]) =>
    rejections.push({ message, findings: [{ ruleId, column, reason }], values });

  return {
    copyOptions: 'FORMAT text',
    // Staged rows move into the target in their own batch's commit: nothing in staging needs the WAL.
    layout: { unlogged: true },
    async absorb(chunk: SourceChunk, sink: BatchSink) {
      const now = new Date();
      let out = '';
      batch.messages += chunk.messages?.length ?? 0;
      batch.bytes += chunk.bytes;
      for (const message of chunk.messages ?? []) {
        if (message.sequence !== undefined) batch.lastSequence = Math.max(batch.lastSequence ?? 0, message.sequence);
        if (message.deliveries > 1) batch.redelivered.push(message.id);
        if (isPoison(message.deliveries, spec.maxDeliveries)) {
          reject(message, 'stream.poison', '', {
            en: `delivered ${message.deliveries} times without a commit (limit ${spec.maxDeliveries}): quarantined unread and not redelivered`,
            zh: `已投递 ${message.deliveries} 次仍未提交（上限 ${spec.maxDeliveries}），隔离且不再投递`,
          });
          continue;
        }
        if (message.data.length > spec.maxMessageBytes) {
          reject(message, 'stream.size', '', {
            en: `the message is ${message.data.length} bytes, over the ${spec.maxMessageBytes} the stream accepts`,
            zh: `消息 ${message.data.length} 字节，超过上限 ${spec.maxMessageBytes}`,
          });
          continue;
        }
        const decoded = o.decode(message.data, message.subject);
        if ('failure' in decoded) {
          reject(message, decoded.failure.ruleId, decoded.failure.column, decoded.failure.reason);
          continue;
        }
        const device = o.devices?.check(decoded.values, now);
        if (device) {
          reject(message, 'iot.device', spec.devices?.deviceField ?? '', device, decoded.values);
          continue;
        }
        const row = plan.evaluateRow(decoded.values, { counters });
        if (row.outcome === 'rejected') {
          o.devices?.quarantined(decoded.values);
          rejections.push({ message, findings: row.rejections.map((f) => ({ ruleId: f.ruleId, column: f.column, reason: f.reason })), values: decoded.values });
          continue;
        }
        if (o.devices) batch.readings.push({ id: message.id, values: row.values, arrivedAt: new Date(message.timestamp) });
        const flags = row.flags.length
          ? JSON.stringify(row.flags.map((f) => ({ rule: f.ruleId, column: f.column, reason: f.reason.en, reason_zh: f.reason.zh })))
          : null;
        out += copyTextRow([
          ...row.values,
          message.id,
          message.sequence === undefined ? null : String(message.sequence),
          message.subject,
          message.timestamp,
          flags,
        ]);
      }
      if (chunk.backlog !== undefined) batch.lag = chunk.backlog;
      await sink.write(Buffer.from(out, 'utf8'));
    },
    progress: (committed) => ({
      rejected: committed.quarantined,
      written: committed.written,
      duplicates: committed.duplicates,
      lag: committed.lag,
      lastSequence: committed.lastSequence,
    }),
    async commit(client: pg.Client, next: IngestCheckpoint) {
      await o.partitions.ensure(client, next.stagingTable);
      const moved = await moveIntoStreamTable(client, spec, next.stagingTable, Boolean(o.devices));
      const { written } = moved;
      // A reading counts for its device once: a copy the dedupe key dropped was counted when first written.
      for (const r of batch.readings) if (moved.ids?.has(r.id)) o.devices!.accepted(r.values, r.arrivedAt);
      // A message quarantined before (then redelivered: a crash between commit and ack) is quarantined once.
      const seen = await quarantinedMessageIds(
        client,
        spec.job,
        rejections.map((r) => r.message.id),
      );
      let quarantined = 0;
      for (const r of rejections) {
        if (seen.has(r.message.id)) continue;
        seen.add(r.message.id);
        const buffer = r.values ? decodedQuarantine : rawQuarantine;
        const record = r.values ? [...r.values, r.message.subject] : rawPreview(r.message);
        for (const f of r.findings) buffer.add(r.message.id, f.ruleId, f.column, f.reason, record, r.message.sequence ?? 0);
        buffer.countRecord();
        quarantined++;
        // Counted once: a poison message whose termination was lost comes back, and is a duplicate then.
        if (r.findings[0]?.ruleId === 'stream.poison') batch.poison++;
      }
      await decodedQuarantine.flush(client);
      await rawQuarantine.flush(client);
      await o.devices?.commit(client);
      await forgetRedeliveries(client, spec.job, batch.redelivered);
      const { messages } = batch;
      // Every message ends written, quarantined, or recognised by its dedupe key as one already here.
      const duplicates = messages - written - quarantined;
      await recordStreamBatch(client, spec.job, o.runId, {
        messages,
        written,
        quarantined,
        duplicates,
        poison: batch.poison,
        bytes: batch.bytes,
        lastSequence: batch.lastSequence,
        lag: batch.lag,
      });
      const committed: IngestCheckpoint = {
        ...next,
        written: next.written + written,
        quarantined: next.quarantined + quarantined,
        duplicates: next.duplicates + duplicates,
        poison: next.poison + batch.poison,
        lastSequence: batch.lastSequence ?? next.lastSequence,
        lag: batch.lag ?? next.lag,
      };
      rejections = [];
      batch = fresh();
      return committed;
    },
  };
}
