import type { Knex } from 'knex';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { recordKeyComparison } from '../../catalogue/key-comparisons.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import type { MergeOutcome } from './merge-into-place.ts';

/** What a key snapshot's checkpoint holds besides the shared staging state. */
export interface KeySnapshotState {
  /** The run-scoped table of source keys, under the published column names. */
  stagingTable: string;
  /** Keys copied. */
  rows: number;
  /** The logical date the comparison is recorded under. */
  comparedFor: string;
}

export interface DeleteMissingKeysInput {
  runId: string;
  /** The step whose checkpoint describes the key snapshot. */
  step: string;
  spec: CollectJobSpec;
  /** The merge key by published names. */
  key: string[];
  /** What the merge did; its `rows` are the published table's rows after it. */
  merge: MergeOutcome;
}

/**
 * The second half of a key-set comparison (the first: collect/stage-source-keys.ts), inside the
 * transaction that merged the changed rows and advanced the watermark: deletes the published rows
 * whose key is not in the run's snapshot of the source's keys, drops the snapshot and records when
 * keys were compared. Rows with a NULL in a key column are never deleted: they cannot be matched. A
 * comparison that would delete more than `maxDeleteFraction` of the table is refused (and the whole
 * publish with it). Without a finished snapshot (not due this run) nothing is deleted.
 */
export async function deleteMissingKeys(trx: Knex.Transaction, { runId, step, spec, key: keyColumns, merge }: DeleteMissingKeysInput): Promise<MergeOutcome> {
  const compare = spec.target.deletes?.compareKeys;
  if (!compare) return merge;
  const row = (await trx('dataops.checkpoints').where({ run_id: runId, step }).forUpdate().first()) as CheckpointRow<KeySnapshotState> | undefined;
  if (row?.status !== 'staged') return merge;
  const snapshot = quoteTable(row.state.stagingTable);
  const target = quoteTable(merge.target);
  const key = keyColumns.map(quoteIdent);
  // The snapshot was just filled: without statistics the planner would guess its size.
  await trx.raw(`ANALYZE ${snapshot}`);
  const removed = await trx.raw(
    `DELETE FROM ${target} t WHERE ${key.map((k) => `t.${k} IS NOT NULL`).join(' AND ')}
       AND NOT EXISTS (SELECT 1 FROM ${snapshot} s WHERE ${key.map((k) => `s.${k} = t.${k}`).join(' AND ')})`,
  );
  const gone = removed.rowCount ?? 0;
  // Deleting and then refusing costs one rolled-back statement in the rare bad case; counting first would scan twice every time.
  if (gone > compare.maxDeleteFraction * merge.rows) throw new BadInputError(tooManyDeletes(spec, gone, merge.rows, row.state.rows, compare.maxDeleteFraction));
  await trx.raw(`DROP TABLE ${snapshot}`);
  await trx('dataops.checkpoints')
    .where({ run_id: runId, step })
    .update({ status: 'published', state: JSON.stringify({ ...row.state, deleted: gone }), updated_at: trx.fn.now() });
  await recordKeyComparison(trx, spec.dataset, new Date(row.state.comparedFor));
  return { ...merge, deleted: merge.deleted + gone, rows: merge.rows - gone };
}

function tooManyDeletes(spec: CollectJobSpec, gone: number, rows: number, keys: number, fraction: number): string {
  const share = (n: number) => `${(n * 100).toFixed(1).replace(/\.0$/, '')}%`;
  const connection = spec.source.type === 'file' ? '' : ` on connection "${spec.source.connection}"`;
  return (
    `the key comparison would delete ${gone} of the ${rows} rows of ${spec.target.table} (${share(gone / rows)}), more than ` +
    `target.deletes.compareKeys.maxDeleteFraction allows (${share(fraction)}); the source${connection} returned ${keys} keys. ` +
    'An empty or cut-off source is likelier than so many deletes, so nothing was published. Check the source; if the rows really ' +
    'are gone, raise maxDeleteFraction (1 allows any share) and run again.'
  );
}
