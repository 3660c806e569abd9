import { Context } from '@temporalio/activity';
import type { PublishPassSummary } from '../../schemas/stream-publish-run.ts';
import { recordRunCounts } from '../../catalogue/runs.ts';
import { recordStepMetrics, stepTotals } from '../../catalogue/steps.ts';
import { recordAudit } from '../../catalogue/audit.ts';
import { getWatermark } from '../../catalogue/watermarks.ts';
import { specHash } from '../../governance/spec-hash.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import { startedBy } from '../audit/started-by.ts';
import { activityDb } from '../context.ts';
import type { PublishCheckpoint } from './publish-checkpoint.ts';
import { PUBLISH_STEP, passDurationMs, type PublishStreamInput } from './publish-pass.ts';
import { publishWatermarkName } from './publish-watermark.ts';

/** What the batch stager hands back for a pass. */
export interface StagedPass {
  state: PublishCheckpoint;
  attempt: number;
  resumedFromRow: number;
}

/**
 * Records a pass once every batch is confirmed and checkpointed: its step metrics (rows published,
 * re-sends the broker dropped) and the run's totals over all passes, the audit entry of what left for
 * whom, and the checkpoint as published. A retry after that returns the recorded summary. A following
 * run records only passes that published something, and forgets the checkpoints of earlier passes
 * (the workflow starts a pass only once the last one returned, so nothing can retry them).
 */
export async function finishPass(input: PublishStreamInput, step: string, staged: StagedPass): Promise<PublishPassSummary> {
  const { runId, spec } = input;
  // Read before the transaction: a call to the Temporal server should not hold the checkpoint lock.
  const starter = await startedBy();
  const attempt = Context.current().info.attempt;
  return activityDb().transaction(async (trx) => {
    const row = (await trx('dataops.checkpoints').where({ run_id: runId, step }).forUpdate().first()) as CheckpointRow<PublishCheckpoint> | undefined;
    if (!row) throw new Error(`no checkpoint for ${step} of run ${runId}`);
    if (row.status === 'published') return row.state.publish!;
    if (row.status !== 'staged') throw new Error(`${step} of run ${runId} has not published every batch (status ${row.status})`);
    const state = row.state;
    const watermark = await getWatermark(trx, publishWatermarkName(spec));
    const summary: PublishPassSummary = {
      step,
      rows: state.rows,
      duplicates: state.duplicates,
      bytes: state.bytes,
      batches: state.batches,
      attempt: state.stagedAttempt ?? staged.attempt,
      resumedFromRow: staged.resumedFromRow,
      target: state.target,
      ...(state.duplicateWindowMs !== undefined ? { duplicateWindowMs: state.duplicateWindowMs } : {}),
      watermark: watermark ? { cursor: watermark.cursor, key: watermark.key } : null,
      masked: Object.fromEntries(Object.entries(state.masking.masks).filter(([, mask]) => mask !== 'none')),
      ...(state.masking.keyVersion ? { keyVersion: state.masking.keyVersion } : {}),
    };
    if (state.rows > 0 || !spec.follow) {
      await recordStepMetrics(trx, {
        run_id: runId,
        step,
        attempt: state.stagedAttempt ?? attempt,
        records_in: state.rows,
        records_out: state.rows,
        records_rejected: 0,
        records_duplicate: state.duplicates,
        bytes: state.bytes,
        duration_ms: passDurationMs(),
      });
      const totals = await stepTotals(trx, runId);
      await recordRunCounts(trx, runId, { records_in: totals.records_in, records_out: totals.records_out, records_rejected: 0, accuracy: null });
    }
    if (state.rows > 0) {
      await recordAudit(trx, {
        actor: starter.identity,
        action: 'stream-publish',
        runId,
        job: spec.job,
        dataset: spec.dataset,
        department: spec.department,
        recipient: state.connection,
        specHash: specHash(spec),
        rows: state.rows,
        columns: state.sentColumns,
        masking: state.masking,
        details: {
          target: state.target,
          ...(spec.target.type === 'jetstream' ? { subject: spec.target.subject } : { topic: spec.target.topic }),
          sourceTable: state.sourceTable,
          step,
          duplicates: state.duplicates,
          startedBy: starter,
        },
      });
    }
    await trx('dataops.checkpoints')
      .where({ run_id: runId, step })
      .update({ status: 'published', state: JSON.stringify({ ...state, publish: summary }), updated_at: trx.fn.now() });
    if (spec.follow) {
      await trx('dataops.checkpoints').where({ run_id: runId, status: 'published' }).where('step', 'like', `${PUBLISH_STEP}.%`).whereNot({ step }).delete();
    }
    return summary;
  });
}
