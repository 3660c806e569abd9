import type { Knex } from 'knex';
import { mergeKey, type CentreJobSpec } from '../../schemas/job-spec.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { mergeIntoPlace, type MergeOutcome } from './merge-into-place.ts';
import { splitTableRef } from '../../schemas/identifiers.ts';
import { claimTable, lockResource } from '../../catalogue/resources.ts';
import { activityDb } from '../context.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import { swapIntoPlace } from './swap-into-place.ts';
import { appendIntoPlace } from './append-into-place.ts';
import type { SchemaPolicy } from './align-columns.ts';

/**
 * The publishing protocol every service shares: one transaction that locks the step's checkpoint,
 * returns the recorded result when the step published already (a retry after the commit), refuses a
 * step that is not fully staged, runs the service's publishing and marks the checkpoint published
 * with the summary it returns. Nothing is ever counted or versioned twice.
 */
export async function publishStaged<S, R>(runId: string, step: string, body: (trx: Knex.Transaction, state: S) => Promise<R>): Promise<R> {
  return activityDb().transaction(async (trx) => {
    // The planner prices a merge into a big table or its sampled profile above jit_above_cost, and
    // compiling those plans took longer (0.1-0.3 s each) than running them.
    await trx.raw('SET LOCAL jit = off');
    const row = (await trx('dataops.checkpoints').where({ run_id: runId, step }).forUpdate().first()) as CheckpointRow<S> | undefined;
    if (!row) throw new Error(`no staged data for run ${runId} step ${step}`);
    if (row.status === 'published') return row.state.publish as R;
    if (row.status !== 'staged') throw new Error(`run ${runId} step ${step} is not fully staged (status ${row.status})`);
    const summary = await body(trx, row.state);
    await trx('dataops.checkpoints')
      .where({ run_id: runId, step })
      .update({ status: 'published', state: JSON.stringify({ ...row.state, publish: summary }), updated_at: trx.fn.now() });
    return summary;
  });
}

export interface PlacedTable {
  /** The dataset's catalogue row as locked, if it has one. */
  resource: { id: number; current_version: number } | undefined;
  version: number;
  target: { schema: string; table: string; physical: string };
  /** For merge and append targets: what the merge or append did and the table's rows afterwards. */
  merge?: MergeOutcome;
}

/**
 * Claims the target for the dataset, takes the next version number and puts the staged rows in place:
 * swapped in whole (replace, version), merged by key (merge) or added (append). Files, typed from
 * their values, may add and widen columns of a merged or appended table; a table source's may not.
 */
export async function placeStagedTable(
  trx: Knex.Transaction,
  spec: CentreJobSpec,
  stagingTable: string,
  defaultSchema: string,
  /** A merge's key by published names (default: the spec's, by the names it uses). */
  publishedKey?: string[],
): Promise<PlacedTable> {
  const { schema, table } = splitTableRef(spec.target.table, defaultSchema);
  await claimTable(trx, `${schema}.${table}`, spec.dataset);
  const resource = await lockResource(trx, spec.dataset);
  const version = (resource?.current_version ?? 0) + 1;
  const policy: SchemaPolicy = spec.source.type === 'file' ? 'evolve' : 'strict';
  if (spec.target.mode === 'merge') {
    const key = publishedKey ?? (spec.kind === 'collect' ? mergeKey(spec) : undefined);
    if (!key) throw new BadInputError('a merge target needs a key: set target.key');
    const merge = await mergeIntoPlace(
      trx,
      stagingTable,
      spec.target.table,
      defaultSchema,
      key,
      spec.kind === 'collect' ? spec.target.deletes?.column : undefined,
      policy,
      resource?.row_count,
    );
    return { resource, version, target: merge.target, merge };
  }
  if (spec.target.mode === 'append') {
    const merge = await appendIntoPlace(trx, stagingTable, spec.target.table, defaultSchema, policy, resource?.row_count);
    return { resource, version, target: merge.target, merge };
  }
  const target = await swapIntoPlace(trx, stagingTable, spec.target.table, defaultSchema, spec.target.mode, version);
  return { resource, version, target };
}
