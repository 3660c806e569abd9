import { WorkflowFailedError } from '@temporalio/client';
import type { Knex } from 'knex';
import { loadConfig } from '../../config/load-config.ts';
import { getRun, resolveRun } from '../../catalogue/runs.ts';
import { readLiveProgress } from '../../client/live-progress.ts';
import { rootCause } from '../../client/root-cause.ts';
import { withTemporal } from '../temporal-client.ts';
import type { RunRow } from '../../schemas/metrics.ts';
import { withCentreDb } from '../centre-db.ts';
import { followRun } from '../follow-run.ts';
import { formatCount, formatPercent } from '../format-table.ts';
import { ProgressPrinter, progressLine } from '../progress-line.ts';

async function findRun(db: Knex, runOrDataset: string): Promise<RunRow | undefined> {
  const resolved = await resolveRun(db, runOrDataset, true);
  if (!resolved) {
    console.error(`no run or dataset "${runOrDataset}" (see: dataops runs)`);
    return undefined;
  }
  if (resolved.chosen !== 'run') console.error(`${resolved.runId}: the newest run of dataset ${runOrDataset}`);
  return getRun(db, resolved.runId);
}

function outcome(run: RunRow): string {
  const counts =
    run.records_in === null
      ? ''
      : ` · ${formatCount(run.records_in)} in, ${formatCount(run.records_out ?? 0)} out, ${formatCount(run.records_rejected ?? 0)} rejected · accuracy ${formatPercent(run.accuracy)}`;
  return `${run.run_id}: ${run.status}${counts}${run.error ? `\n  ${run.error}` : ''}`;
}

/** A run's live progress bar until it ends (or one line with --once); a finished run's outcome. */
export function statusCommand(runOrDataset: string, options: { once?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const run = await findRun(db, runOrDataset);
    if (!run) return 1;
    // A stream runs until stopped: its state, totals, rate and lag rather than a progress bar.
    if (run.kind === 'stream-ingest' && run.status === 'running') return (await import('./streams.ts')).streamStatusCommand(run.job, {});
    if (run.status !== 'running') {
      console.log(outcome(run));
      return run.status === 'succeeded' ? 0 : 1;
    }
    return withTemporal(async (client) => {
      const handle = client.workflow.getHandle(run.workflow_id);
      if (options.once) {
        const progress = await readLiveProgress(handle);
        console.log(progress ? `${run.run_id}  ${progressLine(progress, undefined)}` : `${run.run_id}: running, no progress reported yet`);
        return 0;
      }
      try {
        await followRun(client, loadConfig(), handle, run.run_id, new ProgressPrinter());
      } catch (error) {
        if (!(error instanceof WorkflowFailedError)) throw error;
      }
      const ended = await getRun(db, run.run_id);
      console.log(outcome(ended ?? run));
      return ended?.status === 'succeeded' ? 0 : 1;
    });
  });
}

/**
 * Asks the run's workflow to cancel: its activity stops at the next heartbeat, staging and unpublished
 * quarantine are dropped, and the run is recorded as cancelled. A published step stays published.
 */
export function cancelCommand(runOrDataset: string, options: { wait?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const run = await findRun(db, runOrDataset);
    if (!run) return 1;
    if (run.status !== 'running') {
      console.error(`${run.run_id} is not running (${run.status}); nothing to cancel`);
      return 1;
    }
    return withTemporal(async (client) => {
      const handle = client.workflow.getHandle(run.workflow_id);
      await handle.cancel();
      console.log(`cancellation requested for ${run.run_id}: it stops at its next heartbeat, drops its staging and is recorded as cancelled`);
      if (!options.wait) return 0;
      const error = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      const ended = await getRun(db, run.run_id);
      console.log(
        ended ? outcome(ended) : `${run.run_id}: ${error ? (rootCause(error)?.message ?? String(error)) : 'finished before the cancellation took effect'}`,
      );
      return ended?.status === 'cancelled' ? 0 : 1;
    });
  });
}
