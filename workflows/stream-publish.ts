import { continueAsNew, sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PublishPassSummary, PublishTotals, StreamPublishResult, StreamPublishWorkflowInput } from '../schemas/stream-publish-run.ts';
import { streamTargetLabel } from './source-label.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

/** Passes per workflow run of a following output before it continues as new, unless Temporal suggests it sooner. */
const PASSES_PER_RUN = 1_000;
/** A run's history stays well below Temporal's 50k-event limit (a pass takes some 15 events). */
const MAX_HISTORY_EVENTS = 20_000;

/**
 * Stream output: the rows of a governed table changed since the watermark, published to a JetStream
 * subject (or an MQTT topic) batch by batch, each batch checkpointed, with the watermark, only after
 * the broker confirmed it. One pass per run (a schedule runs it), or with `follow` a pass every
 * `follow.every` for as long as the run lives, continuing as new (same run id and record) before its
 * history grows large. Cancelling a following run stops it; the watermark stays at the last confirmed batch.
 */
export async function streamPublish(input: StreamPublishWorkflowInput): Promise<StreamPublishResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    const totals: PublishTotals = { ...(input.totals ?? { passes: 0, rows: 0, duplicates: 0 }) };
    const first = input.pass ?? 1;
    const passesPerRun = input.passesPerRun ?? PASSES_PER_RUN;
    for (let pass = first; ; pass++) {
      progress.set({ phase: 'staging', step: spec.follow ? `stream-publish pass ${pass}` : 'stream-publish', rows: 0, bytes: 0, batches: 0 });
      const done: PublishPassSummary = await bookkeeping.publishStream.executeWithOptions(
        {
          startToCloseTimeout: '12 hours',
          heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
          retry: DATA_RETRY,
          summary: `publish the changes of ${spec.source.table ?? spec.source.dataset ?? spec.dataset} to ${streamTargetLabel(spec.target)}${spec.follow ? ` (pass ${pass})` : ''}, in confirmed batches of ${spec.options.batchRows}`,
        },
        [{ runId, spec, pass, ...(spec.follow ? {} : { notAfter: logicalDate }) }],
      );
      totals.passes += 1;
      totals.rows += done.rows;
      totals.duplicates += done.duplicates;
      upsertSearchAttributes([{ key: DataOpsRecords, value: totals.rows }]);
      if (!spec.follow) return { runId, pass: done, totals };
      progress.set({
        phase: 'staging',
        step: `stream-publish: ${totals.rows} published in ${totals.passes} passes, next in ${spec.follow.every}`,
        rows: totals.rows,
      });
      await sleep(spec.follow.every);
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > MAX_HISTORY_EVENTS || pass - first + 1 >= passesPerRun) {
        await continueAsNew<typeof streamPublish>({
          runId,
          spec,
          ...(input.parentRunId ? { parentRunId: input.parentRunId } : {}),
          pass: pass + 1,
          totals,
          ...(input.passesPerRun ? { passesPerRun: input.passesPerRun } : {}),
        });
      }
    }
  });
}
