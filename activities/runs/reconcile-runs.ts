import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { openRuns, recordRunEnd } from '../../catalogue/runs.ts';
import type { RunStatus } from '../../schemas/metrics.ts';
import { abandonRunStaging } from '../staging/abandon.ts';

export interface ReconciledRun {
  runId: string;
  status: Exclude<RunStatus, 'running'>;
  error: string;
  droppedTables: number;
}

export interface ReconcileSummary {
  checked: number;
  closed: ReconciledRun[];
  /** Runs whose clean-up must wait (a table still locked by an attempt that has not noticed yet): next round. */
  deferred: string[];
}

/** What a closed workflow means for a run record that still says running. */
function outcomeOf(status: string): { status: Exclude<RunStatus, 'running'>; error: string } {
  if (status === 'TERMINATED') return { status: 'terminated', error: 'the workflow was terminated in Temporal (Web UI or CLI) before the run finished' };
  if (status === 'TIMED_OUT') return { status: 'timed_out', error: 'the workflow timed out before the run finished' };
  if (status === 'CANCELLED') return { status: 'cancelled', error: 'the workflow was cancelled before the run could record it' };
  return { status: 'failed', error: `the workflow closed as ${status} without closing its run record` };
}

/** Runs started this recently are left alone: their workflow may not have recorded anything yet. */
const GRACE_MS = 30_000;
/** A workflow Temporal no longer knows is only given up on after a while (a restarted dev server may be catching up). */
const NOT_FOUND_AFTER_MS = 10 * 60_000;

/**
 * Finds runs whose record says running while their workflow is closed (terminated from the Web UI or
 * CLI, timed out, or lost), records how they ended, and drops what they left behind: staging tables
 * and, when nothing was published, their quarantine. A published step's data and quarantine stay.
 * Idempotent: runs at worker start, on a schedule, and from `dataops runs reconcile`.
 */
export async function reconcileRunRecords(db: Knex, client: Client, log: Logger, now = new Date()): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { checked: 0, closed: [], deferred: [] };
  for (const run of await openRuns(db, new Date(now.getTime() - GRACE_MS))) {
    summary.checked++;
    let outcome: { status: Exclude<RunStatus, 'running'>; error: string };
    try {
      let description = await client.workflow.getHandle(run.workflow_id, run.temporal_run_id ?? undefined).describe();
      // A long stream continues as new under the same workflow id and run record: its latest run says how it stands.
      if (description.status.name === 'CONTINUED_AS_NEW') description = await client.workflow.getHandle(run.workflow_id).describe();
      if (description.status.name === 'RUNNING' || description.status.name === 'PAUSED') continue;
      outcome = outcomeOf(description.status.name);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      if (now.getTime() - run.started_at.getTime() < NOT_FOUND_AFTER_MS) continue;
      outcome = { status: 'failed', error: 'Temporal has no record of this run’s workflow (history deleted, or another cluster)' };
    }
    let dropped: string[];
    try {
      dropped = await abandonRunStaging(db, run.run_id);
    } catch (error) {
      // Still locked by an attempt that has not noticed (lock timeout), or caught mid-batch (deadlock).
      if (!['55P03', '40P01'].includes((error as { code?: string }).code ?? '')) throw error;
      summary.deferred.push(run.run_id);
      continue;
    }
    if (await recordRunEnd(db, run.run_id, outcome.status, outcome.error, true)) {
      summary.closed.push({ runId: run.run_id, ...outcome, droppedTables: dropped.length });
      log.info({ runId: run.run_id, status: outcome.status, droppedTables: dropped }, 'reconciled a run whose workflow had closed');
    }
  }
  return summary;
}
