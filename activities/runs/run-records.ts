import { Context } from '@temporalio/activity';
import type { JobSpec } from '../../schemas/job-spec.ts';
import type { RunStatus } from '../../schemas/metrics.ts';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { activityDb, activityLogger, classifyErrors } from '../context.ts';

export interface StartRunInput {
  runId: string;
  spec: JobSpec;
}

/** Records the run in `dataops.runs`; idempotent, so a retried start never creates a second row. */
export async function startRun({ runId, spec }: StartRunInput): Promise<void> {
  return classifyErrors(async () => {
    const info = Context.current().info.workflowExecution;
    await activityDb()('dataops.runs')
      .insert({
        run_id: runId,
        job: spec.job,
        kind: spec.kind,
        dataset: spec.dataset,
        department: spec.department,
        workflow_id: info?.workflowId ?? runId,
        temporal_run_id: info?.runId ?? null,
        status: 'running',
        spec: JSON.stringify(spec),
      })
      .onConflict('run_id')
      .ignore();
    activityLogger({ runId }).info({ job: spec.job, dataset: spec.dataset }, 'run started');
  });
}

export interface FinishRunInput {
  runId: string;
  status: Exclude<RunStatus, 'running'>;
  error?: string;
}

export async function finishRun({ runId, status, error }: FinishRunInput): Promise<void> {
  return classifyErrors(async () => {
    await activityDb()('dataops.runs')
      .where({ run_id: runId })
      .update({ status, error: error ?? null, ended_at: activityDb().fn.now() });
    activityLogger({ runId }).info({ status, error }, 'run finished');
  });
}

/** After a failure: drops the run's staging tables so nothing partial lingers or is ever published. */
export async function abandonStaging({ runId }: { runId: string }): Promise<void> {
  return classifyErrors(async () => {
    const db = activityDb();
    const rows = await db('dataops.checkpoints').where({ run_id: runId }).whereNot({ status: 'published' }).select('step', 'state');
    for (const row of rows as { step: string; state: { stagingTable?: string } }[]) {
      const table = row.state.stagingTable;
      if (table && /^dataops_staging\.[a-z0-9_]+$/.test(table)) {
        await db.raw(`DROP TABLE IF EXISTS ${quoteTable(table)}`);
      }
      await db('dataops.checkpoints').where({ run_id: runId, step: row.step }).delete();
    }
    // Quarantine entries of a run that never published describe no published output.
    const published = await db('dataops.checkpoints').where({ run_id: runId, status: 'published' }).first();
    if (!published) await db('dataops.quarantine').where({ run_id: runId }).delete();
  });
}
