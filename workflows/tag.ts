import { upsertSearchAttributes } from '@temporalio/workflow';
import type { TagResult, TagWorkflowInput } from '../schemas/tag-run.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

/**
 * Tagging: check the spec against the catalogue (tables, columns, rules, lists), stream the entities
 * through every tag into staging in checkpointed batches, then apply the hits to dataops.tags in one
 * transaction that opens and closes validity periods and records the counts.
 */
export async function tag(input: TagWorkflowInput): Promise<TagResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'tag' });
    const plan = await bookkeeping.planTag.executeWithOptions(
      {
        startToCloseTimeout: '5 minutes',
        retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['BadInput'] },
        summary: `check ${spec.entities.table} and compile ${Object.keys(spec.tags).length} tag(s)`,
      },
      [{ spec, logicalDate }],
    );
    const stage = await bookkeeping.stageTag.executeWithOptions(
      {
        startToCloseTimeout: '12 hours',
        heartbeatTimeout: `${spec.options.heartbeatSeconds} seconds`,
        retry: DATA_RETRY,
        summary: `evaluate ${Object.keys(spec.tags).length} tag(s) over ${spec.entities.table} as of ${plan.asOf}`,
      },
      [{ runId, spec, asOf: plan.asOf }],
    );
    progress.set({ phase: 'publishing', rows: stage.rows, bytes: stage.bytes, batches: stage.batches });
    const apply = await bookkeeping.applyTags.executeWithOptions(
      {
        startToCloseTimeout: '30 minutes',
        retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] },
        summary: 'open and close tag periods, record counts',
      },
      [{ runId, spec, logicalDate, durationMs: Date.now() - started }],
    );
    upsertSearchAttributes([{ key: DataOpsRecords, value: apply.tags.reduce((n, t) => n + t.current, 0) }]);
    return { runId, plan, stage, apply };
  });
}
