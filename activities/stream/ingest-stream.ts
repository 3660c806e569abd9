import { Context } from '@temporalio/activity';
import { registerStream } from '../../catalogue/streams.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { compilePlan, RulePlanError } from '../../governance/rules/engine.ts';
import type { TableRuleSpec } from '../../governance/rules/spec.ts';
import { messageDecoder, type DeclaredField } from '../../governance/stream/decode-message.ts';
import { durationMs } from '../../schemas/duration.ts';
import type { StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { IngestSliceSummary } from '../../schemas/stream-run.ts';
import { streamSourceLabel } from '../../workflows/source-label.ts';
import { loadReferences } from '../cleanse/references.ts';
import { activityConfig, activityDb, classifyErrors } from '../context.ts';
import { stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import { INGEST_STEP, ingestTransform, type IngestCheckpoint } from './ingest-transform.ts';
import { type DeviceTracker, openDeviceTracker } from './device-tracker.ts';
import { countRedeliveries } from '../../catalogue/streams.ts';
import { dropSlices } from './stream-state.ts';
import { messageReader } from './message-reader.ts';
import { openMessageSource } from './open-message-source.ts';
import { ensureStreamTable, PartitionKeeper, reservedColumns, streamColumns, streamTableRef } from './stream-table.ts';

export interface IngestSliceInput {
  runId: string;
  spec: StreamIngestJobSpec;
  /** The slice's number in the run: names its checkpoint and staging table. */
  slice: number;
}

/** Each slice stages under its own step, so a slice's attempts fence each other and a new slice starts clean. */
export function sliceStep(slice: number): string {
  return `${INGEST_STEP}@${slice}`;
}

/** The centre's UTC offset for timestamps sent without one (China has had no daylight saving since 1991). */
function offsetMinutes(timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date());
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(parts.find((p) => p.type === 'timeZoneName')?.value ?? '');
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The declared fields in table order; an MQTT stream's topic fields come from their topic level. */
function declaredFields(spec: StreamIngestJobSpec): DeclaredField[] {
  const levels = spec.source.type === 'mqtt' && spec.source.topicFields ? spec.source.topicFields.split('/') : [];
  return Object.entries(spec.fields).map(([name, f]) => {
    const level = levels.indexOf(`{${name}}`);
    return { name, type: f.type, required: f.required, path: f.path, maxLength: f.maxLength, ...(level >= 0 ? { topicLevel: level } : {}) };
  });
}

/**
 * Reads the stream for one slice of time (or until the workflow cancels it to pause or stop): bounded
 * micro-batches from the broker, each validated, written to the target and quarantine, and committed with
 * the stream's totals in one transaction, then acknowledged. A retry after a crash resumes on the
 * broker's own redelivery of what was never acknowledged; the dedupe key makes that harmless.
 */
export async function ingestStream(input: IngestSliceInput): Promise<IngestSliceSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const config = activityConfig();
      const tables = await loadReferences(config, input.spec.references);
      return stageBatches(ingestService(input, tables, await openDevices(input)), beat);
    }),
  );
}

/** IoT streams check readings against their device registry. */
async function openDevices(input: IngestSliceInput): Promise<DeviceTracker | undefined> {
  if (!input.spec.devices) return undefined;
  return openDeviceTracker(activityConfig(), input.spec, input.runId, Object.keys(input.spec.fields));
}

function ingestService(
  { runId, spec, slice }: IngestSliceInput,
  tables: Awaited<ReturnType<typeof loadReferences>>,
  devices: DeviceTracker | undefined,
): StageService<IngestCheckpoint, IngestSliceSummary> {
  const config = activityConfig();
  const step = sliceStep(slice);
  let identity: string | undefined;
  const fields = declaredFields(spec);
  return {
    runId,
    step,
    // Every broker batch is its own commit: the acks wait for it.
    batchRows: 1,
    // Paused or stopped: the batch in hand commits and is acknowledged, and the slice ends as finished.
    finishOnCancel: true,
    async openSource() {
      const opened = await openMessageSource(config, spec);
      identity = opened.identity;
      const db = activityDb();
      const ctx = Context.current();
      const reader = messageReader(spec, opened.source, {
        bounds: { maxMessages: spec.batch.maxMessages, maxBytes: spec.batch.maxBytes, maxWaitMs: durationMs(spec.batch.maxWait)! },
        until: Date.now() + spec.options.sliceSeconds * 1000,
        signal: ctx.cancellationSignal,
        maxDeliveries: spec.maxDeliveries,
        extendEveryMs: spec.source.type === 'jetstream' ? Math.max(1_000, durationMs(spec.source.ackWait)! / 3) : 60_000,
        ...(opened.countsDeliveries === false ? { countRedeliveries: (ids: string[]) => countRedeliveries(db, spec.job, ids) } : {}),
      });
      return { reader, resumable: true, close: () => reader.close() };
    },
    async start(_source, committed, client) {
      // The stager commits staging batches asynchronously (a lost one is redone from its checkpoint). A stream
      // acknowledges each batch after its commit: the broker forgets it then, so the commit must be durable.
      await client.query('SET synchronous_commit = on');
      const reserved = reservedColumns(spec);
      if (reserved.length) throw new BadInputError(`field(s) ${reserved.join(', ')} use a name the stream table reserves for its own bookkeeping`);
      await ensureStreamTable(client, spec);
      await registerStream(client, {
        job: spec.job,
        dataset: spec.dataset,
        department: spec.department,
        source: streamSourceLabel(spec.source),
        identity,
        targetTable: streamTableRef(spec),
        runId,
      });
      // The slices before this one are done: their checkpoints and (empty) staging tables go.
      await dropSlices(client, runId, step);
      let plan: ReturnType<typeof compilePlan>;
      try {
        plan = compilePlan(
          fields.map((f) => f.name),
          spec.rules as TableRuleSpec,
          { tables },
        );
      } catch (error) {
        if (error instanceof RulePlanError) throw new BadInputError(`${error.message}\n  (fields: ${fields.map((f) => f.name).join(', ')})`);
        throw error;
      }
      const state: IngestCheckpoint = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns: streamColumns(spec),
        stagingTable: stagingTableName(runId, step),
        written: 0,
        quarantined: 0,
        duplicates: 0,
        poison: 0,
      };
      const decode = messageDecoder(fields, { defaultOffsetMinutes: offsetMinutes(config.timeZone) });
      return { state, transform: ingestTransform({ runId, spec, plan, decode, devices, partitions: new PartitionKeeper(spec, config.timeZone) }) };
    },
    summary: (c, attempt, resumedFromRow) => ({
      slice,
      messages: c.rows,
      written: c.written,
      quarantined: c.quarantined,
      duplicates: c.duplicates,
      poison: c.poison,
      bytes: c.bytes,
      batches: c.batches,
      lastSequence: c.lastSequence,
      lag: c.lag,
      attempt,
      resumedFromMessage: resumedFromRow,
    }),
  };
}
