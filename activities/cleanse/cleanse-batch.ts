import type pg from 'pg';
import type { SourceChunk } from '../../connectors/source-chunk.ts';
import type { RulePlan } from '../../governance/rules/engine.ts';
import { RuleCounters } from '../../governance/rules/counters.ts';
import { DuplicateTracker } from '../../governance/rules/dedup.ts';
import type { ChunkTransform } from '../staging/batch-stager.ts';
import type { BatchSink } from '../staging/batch-sink.ts';
import type { CleanseCheckpoint } from './cleanse-checkpoint.ts';
import { CLEANSE_STEP, ORIGINAL_COLUMN, REF_COLUMN } from './cleanse-plan.ts';
import { cleanseRows, sourceRefFor } from './cleanse-rows.ts';
import { QuarantineBuffer } from './quarantine-buffer.ts';
import { retractSuperseded } from './retract-superseded.ts';
import { logDedupChanges, replayDedupChanges } from './dedup-log.ts';

/**
 * One cleanse attempt's chunk transform: every row through the rule plan, clean and flagged rows to
 * staging, rejected records to the quarantine buffer; at each commit the superseded rows are retracted
 * and the quarantine, rule counters and dedup index are written with the batch.
 */
export async function cleanseTransform(
  client: pg.Client,
  runId: string,
  plan: RulePlan,
  state: CleanseCheckpoint,
  keyColumns: readonly string[],
): Promise<ChunkTransform<CleanseCheckpoint>> {
  const names = plan.columns;
  // Quarantine stores the source record: the source's columns only, not those the plan derives.
  const sourceNames = names.slice(0, plan.sourceWidth);
  const counters = RuleCounters.fromJSON(plan.slots, state.counters);
  const tracker = state.tracker ? DuplicateTracker.fromJSON(state.tracker, names) : undefined;
  if (tracker && state.tracker?.version === 2) await replayDedupChanges(client, runId, CLEANSE_STEP, state.batches, tracker);
  const evaluation = { counters, tracker };
  const dedupSlot = plan.slots.findIndex((slot) => slot.kind === 'dedup');
  const quarantine = new QuarantineBuffer(runId, CLEANSE_STEP, sourceNames);
  const sourceRef = sourceRefFor(names, keyColumns);
  const keepOriginals = state.columns.some((c) => c.name === ORIGINAL_COLUMN);
  const refs = { next: state.nextRef };
  let batch = { clean: 0, flagged: 0, fixes: 0 };
  /** Superseded staged row -> the row that beat it. */
  let retracted = new Map<number, number>();
  return {
    copyOptions: 'FORMAT text',
    // Latest-wins retracts staged rows by ref at every commit: without an index each one scans the table.
    layout: { indexed: keepOriginals ? [REF_COLUMN] : [] },
    async absorb(chunk: SourceChunk, sink: BatchSink) {
      const result = cleanseRows(plan, evaluation, chunk.rows, chunk.lines, refs, sourceRef, keepOriginals);
      for (const record of result.rejected) {
        for (const f of record.findings) quarantine.add(record.sourceRef, f.ruleId, f.column, f.reason, record.values, record.ref, record.keptRef);
        quarantine.countRecord();
      }
      for (let i = 0; i < result.replaces.length; i += 2) {
        retracted.set(result.replaces[i]!, result.replaces[i + 1]!);
        // Under latest-wins a kept row can later be superseded: it then no longer counts as kept.
        if (dedupSlot >= 0) counters.passed[dedupSlot] = counters.passed[dedupSlot]! - 1;
      }
      await sink.write(Buffer.from(result.out, 'utf8'));
      batch = { clean: batch.clean + result.clean, flagged: batch.flagged + result.flagged, fixes: batch.fixes + result.fixes };
    },
    progress: (committed) => ({ rejected: committed.rejected + quarantine.pendingRecords }),
    async commit(client: pg.Client, next: CleanseCheckpoint) {
      const dedupColumns = (plan.dedup?.key ?? []).join(',');
      const gone = await retractSuperseded(
        client,
        { stagingTable: next.stagingTable, names, keepsOriginals: keepOriginals, dedupColumns, sourceRef },
        retracted,
        quarantine,
      );
      const rejected = await quarantine.flush(client);
      if (tracker) await logDedupChanges(client, runId, CLEANSE_STEP, next.batches, tracker);
      const committed: CleanseCheckpoint = {
        ...next,
        nextRef: refs.next,
        clean: next.clean + batch.clean - gone.clean,
        flagged: next.flagged + batch.flagged - gone.flagged,
        rejected: next.rejected + rejected,
        fixes: next.fixes + batch.fixes,
        counters: counters.toJSON(),
        tracker: tracker ? tracker.header() : null,
      };
      batch = { clean: 0, flagged: 0, fixes: 0 };
      retracted = new Map();
      return committed;
    },
  };
}
