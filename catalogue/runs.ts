import type { Knex } from 'knex';
import { runRowSchema, type RunRow, type RunStatus } from '../schemas/metrics.ts';
import type { RunnableSpec } from '../schemas/pipeline-spec.ts';
import { sanitiseErrorText } from '../errors/sanitise.ts';

export interface NewRun {
  runId: string;
  spec: RunnableSpec;
  workflowId: string;
  temporalRunId: string | null;
  logicalDate?: string;
  parentRunId?: string;
}

/** Records a run as running; idempotent, so a retried start never creates a second row. */
export async function recordRunStart(db: Knex, run: NewRun): Promise<void> {
  await db('dataops.runs')
    .insert({
      run_id: run.runId,
      job: run.spec.job,
      kind: run.spec.kind,
      dataset: run.spec.dataset,
      department: run.spec.department,
      workflow_id: run.workflowId,
      temporal_run_id: run.temporalRunId,
      status: 'running',
      spec: JSON.stringify(run.spec),
      logical_date: run.logicalDate ?? null,
      parent_run_id: run.parentRunId ?? null,
    })
    .onConflict('run_id')
    .ignore();
}

/** Closes a run's record. `onlyIfOpen` leaves a record another writer closed first as it is. */
export async function recordRunEnd(db: Knex, runId: string, status: Exclude<RunStatus, 'running'>, error?: string, onlyIfOpen = false): Promise<boolean> {
  const query = db('dataops.runs').where({ run_id: runId });
  if (onlyIfOpen) query.where({ status: 'running' });
  const updated = await query.update({ status, error: error === undefined ? null : sanitiseErrorText(error), ended_at: db.fn.now() });
  return updated > 0;
}

export interface RunCounts {
  records_in: number;
  records_out: number;
  records_rejected: number;
  accuracy: number | null;
}

/** The run's totals, written in the transaction that publishes them. */
export async function recordRunCounts(trx: Knex.Transaction, runId: string, counts: RunCounts): Promise<void> {
  await trx('dataops.runs').where({ run_id: runId }).update(counts);
}

export interface RunFilter {
  job?: string;
  dataset?: string;
  department?: string;
  status?: string;
  limit: number;
  /** Also the runs that are steps of a pipeline (by default a pipeline is one line). */
  steps?: boolean;
}

export async function listRuns(db: Knex, filter: RunFilter): Promise<RunRow[]> {
  const query = db('dataops.runs').orderBy('started_at', 'desc').limit(filter.limit);
  if (!filter.steps) query.whereNull('parent_run_id');
  for (const key of ['job', 'dataset', 'department', 'status'] as const) if (filter[key]) query.where(key, filter[key]);
  return (await query).map((r) => runRowSchema.parse(r));
}

export async function getRun(db: Knex, runId: string): Promise<RunRow | undefined> {
  const row = await db('dataops.runs').where({ run_id: runId }).first();
  return row ? runRowSchema.parse(row) : undefined;
}

/** Runs whose record still says running, oldest first: the reconciler asks Temporal about each. */
export async function openRuns(db: Knex, startedBefore: Date): Promise<RunRow[]> {
  const rows = await db('dataops.runs').where({ status: 'running' }).where('started_at', '<', startedBefore).orderBy('started_at').limit(500);
  return rows.map((r) => runRowSchema.parse(r));
}

export interface ResolvedRun {
  runId: string;
  /** How the argument was read, for the line that says which run is shown. */
  chosen: 'run' | 'newest-published' | 'newest';
}

/**
 * A run id as given, or a dataset name meaning its newest published run (a run whose output reached
 * the catalogue), else, with `anyStatus`, its newest run of any status.
 */
export async function resolveRun(db: Knex, runOrDataset: string, anyStatus = false): Promise<ResolvedRun | undefined> {
  const exact = await db('dataops.runs').where({ run_id: runOrDataset }).first('run_id');
  if (exact) return { runId: exact.run_id, chosen: 'run' };
  const published = await db('dataops.catalogue_versions as v')
    .join('dataops.catalogue_resources as r', 'r.id', 'v.resource_id')
    .where('r.dataset', runOrDataset)
    .orderBy('v.published_at', 'desc')
    .first('v.run_id');
  if (published) return { runId: published.run_id, chosen: 'newest-published' };
  if (!anyStatus) return undefined;
  const latest = await db('dataops.runs').where({ dataset: runOrDataset }).orderBy('started_at', 'desc').first('run_id');
  return latest ? { runId: latest.run_id, chosen: 'newest' } : undefined;
}

/** Appends a warning to a run's record (a gate that missed with onFail: warn). */
export async function recordRunWarning(db: Knex, runId: string, warning: string): Promise<void> {
  await db('dataops.runs')
    .where({ run_id: runId })
    .update({ warnings: db.raw("coalesce(warnings, '[]'::jsonb) || jsonb_build_array(?::text)", [sanitiseErrorText(warning)]) });
}

/** The steps of a pipeline run: the runs it started, in the order they started. */
export async function childRuns(db: Knex, parentRunId: string): Promise<RunRow[]> {
  const rows = await db('dataops.runs').where({ parent_run_id: parentRunId }).orderBy('started_at');
  return rows.map((r) => runRowSchema.parse(r));
}
