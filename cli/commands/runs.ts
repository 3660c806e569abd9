import { withCentreDb } from '../centre-db.ts';
import { childRuns, getRun, listRuns, resolveRun, type RunFilter } from '../../catalogue/runs.ts';
import { stepsOfRun } from '../../catalogue/steps.ts';
import { quarantinedRecords } from '../../catalogue/quarantine.ts';
import { publishedVersionOf } from '../../catalogue/resources.ts';
import { listCollectedFiles } from '../../catalogue/collected-files.ts';
import { collectedFilesTable } from './files.ts';
import { loadConfig } from '../../config/load-config.ts';
import { logger } from '../../config/logger.ts';
import { connectClient } from '../../temporal/client.ts';
import { reconcileRunRecords } from '../../activities/runs/reconcile-runs.ts';
import { uiLink } from '../ui-link.ts';
import { formatCount, formatPercent, formatTable } from '../format-table.ts';

export type RunsOptions = RunFilter & { json?: boolean };

function duration(start: Date, end: Date | null): string {
  if (!end) return '';
  const s = (end.getTime() - start.getTime()) / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** Run history from the metrics schema, newest first. */
export function runsCommand(options: RunsOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const rows = await listRuns(db, options);
    if (options.json) {
      console.log(
        JSON.stringify(
          rows.map(({ spec: _spec, ...rest }) => rest),
          null,
          2,
        ),
      );
      return 0;
    }
    if (!rows.length) {
      console.log('no runs match');
      return 0;
    }
    console.log(
      formatTable(
        ['started', 'run', 'status', 'department', 'records in', 'out', 'rejected', 'accuracy', 'took'],
        rows.map((r) => [
          r.started_at.toISOString().slice(0, 19).replace('T', ' '),
          r.run_id,
          r.status,
          r.department,
          r.records_in === null ? null : formatCount(r.records_in),
          r.records_out === null ? null : formatCount(r.records_out),
          r.records_rejected === null ? null : formatCount(r.records_rejected),
          formatPercent(r.accuracy),
          duration(r.started_at, r.ended_at),
        ]),
      ),
    );
    const failed = rows.filter((r) => r.status === 'failed' && r.error);
    for (const r of failed.slice(0, 5)) console.log(`\n${r.run_id}: ${r.error}`);
    return 0;
  });
}

/** One run: its record, each step's metrics, what it published and quarantined, its error, the Web UI link. */
export function runsShowCommand(runOrDataset: string, options: { json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const resolved = await resolveRun(db, runOrDataset, true);
    const run = resolved && (await getRun(db, resolved.runId));
    if (!run) {
      console.error(`no run or dataset "${runOrDataset}" (see: dataops runs)`);
      return 1;
    }
    const steps = await stepsOfRun(db, run.run_id);
    const published = await publishedVersionOf(db, run.run_id);
    const quarantined = await quarantinedRecords(db, run.run_id);
    const files = await listCollectedFiles(db, { runId: run.run_id });
    const config = loadConfig();
    const link = uiLink(config.temporal.address, config.temporal.namespace, run.workflow_id);
    if (options.json) {
      const { spec, ...rest } = run;
      console.log(
        JSON.stringify({ run: rest, spec, steps, published, quarantined, files, children: await childRuns(db, run.run_id), ui: link ?? null }, null, 2),
      );
      return 0;
    }
    console.log(`${run.run_id}  ${run.status}`);
    console.log(`  job ${run.job} · ${run.kind} · dataset ${run.dataset} · department ${run.department}`);
    console.log(
      `  started ${run.started_at.toISOString()}${run.ended_at ? ` · ended ${run.ended_at.toISOString()} (${duration(run.started_at, run.ended_at)})` : ''}`,
    );
    if (run.records_in !== null) {
      console.log(
        `  records in ${formatCount(run.records_in)} · out ${formatCount(run.records_out ?? 0)} · rejected ${formatCount(run.records_rejected ?? 0)} · accuracy ${formatPercent(run.accuracy)}`,
      );
    }
    if (published) console.log(`  published ${published.table_ref} as version ${published.version} of ${published.dataset}`);
    if (quarantined) console.log(`  quarantined ${formatCount(quarantined)} records: dataops quarantine list ${run.run_id}`);
    if (run.error) console.log(`  error: ${run.error}`);
    for (const warning of run.warnings ?? []) console.log(`  warning: ${warning}`);
    if (run.parent_run_id) console.log(`  step of pipeline run ${run.parent_run_id}`);
    const children = await childRuns(db, run.run_id);
    if (children.length) {
      console.log('');
      console.log(
        formatTable(
          ['step run', 'kind', 'status', 'in', 'out', 'rejected', 'accuracy', 'took'],
          children.map((c) => [
            c.run_id,
            c.kind,
            c.status,
            c.records_in === null ? '' : formatCount(c.records_in),
            c.records_out === null ? '' : formatCount(c.records_out),
            c.records_rejected === null ? '' : formatCount(c.records_rejected),
            formatPercent(c.accuracy),
            duration(c.started_at, c.ended_at),
          ]),
        ),
      );
    }
    if (files.length) {
      console.log('');
      console.log(collectedFilesTable(files));
    }
    if (steps.length) {
      // Only steps that absorb duplicates (stream outputs) have any: the column is shown when there are.
      const duplicates = steps.some((s) => (s.records_duplicate ?? 0) > 0);
      console.log('');
      console.log(
        formatTable(
          ['step', 'attempt', 'in', 'out', 'rejected', 'flagged', 'fixed', ...(duplicates ? ['duplicates'] : []), 'MB', 'took'],
          steps.map((s) => [
            s.step,
            s.attempt,
            formatCount(s.records_in),
            formatCount(s.records_out),
            formatCount(s.records_rejected),
            formatCount(s.records_flagged ?? 0),
            formatCount(s.values_fixed ?? 0),
            ...(duplicates ? [formatCount(s.records_duplicate ?? 0)] : []),
            (s.bytes / 1_048_576).toFixed(1),
            `${(s.duration_ms / 1000).toFixed(1)}s`,
          ]),
        ),
      );
    }
    if (run.status === 'running') console.log(`\nlive progress: dataops status ${run.run_id} · cancel: dataops cancel ${run.run_id}`);
    if (link) console.log(`\nWeb UI: ${link}`);
    return 0;
  });
}

/** Closes the records of runs whose workflows ended without them (terminated, timed out) and drops their staging. */
export function runsReconcileCommand(options: { json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const client = await connectClient(loadConfig());
    try {
      const summary = await reconcileRunRecords(db, client, logger().child({ step: 'reconcile' }, { level: 'warn' }));
      if (options.json) {
        console.log(JSON.stringify(summary, null, 2));
        return 0;
      }
      console.log(`checked ${summary.checked} open run records; closed ${summary.closed.length}`);
      if (summary.closed.length) {
        console.log(
          formatTable(
            ['run', 'now', 'staging tables dropped', 'why'],
            summary.closed.map((c) => [c.runId, c.status, c.droppedTables, c.error]),
          ),
        );
      }
      if (summary.deferred.length) console.log(`still locked by a running attempt, retried on the next round: ${summary.deferred.join(', ')}`);
      return 0;
    } finally {
      await client.connection.close();
    }
  });
}
