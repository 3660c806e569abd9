import type { MaskingRecord } from './outgoing-masks.ts';
import type { StagedState } from '../staging/batch-stager.ts';
import type { IntegerRange, TargetColumn, TargetRef } from '../../connectors/target-tables.ts';
import type { CompiledFilter } from '../../governance/row-filter.ts';

/** A distribution's checkpoint: the shared staging state plus where its rows go. */
export interface DistributeCheckpoint extends StagedState {
  /** The centre table read, schema-qualified. */
  sourceTable: string;
  connection: string;
  target: TargetRef;
  /** The table being loaded beside the target, swapped in when complete. */
  shadow: TargetRef;
  targetColumns: TargetColumn[];
  sourceColumns: { name: string; pgType: string }[];
  key: string;
  /** The key column's catalogue level (see DistributionPlan.keyLevel): failures show its values masked at L3/L4. */
  keyLevel?: { semanticType: string | null; sensitivity: string };
  /** The key range this attempt copies, when the distribution is split (`parallelism`); the shadow is shared by all ranges. */
  range?: IntegerRange;
  /** Integer keys order the same in every database: an attempt resumes after the last one committed. */
  resumable: boolean;
  /**
   * `incremental`: the changed rows are staged in the centre and upserted into the target in one
   * transaction at publishing; `fresh` when every row is sent (no target yet, a new watermark, or a new
   * table shape), which loads a shadow and swaps it in as a full distribution does.
   */
  mode: 'full' | 'incremental';
  fresh?: boolean;
  /** The centre column an incremental run reads changes by (source.incremental.cursor). */
  cursorColumn?: string;
  /** Where this incremental run started reading: the watermark the last published run left. */
  syncedFrom?: { cursor: string; key: string };
  /** A soft-delete flag the centre sets (target.deletes.column): flagged rows leave the target and are not reconciled. */
  deletedFlag?: string;
  /** Each column's mask, and the key version (with its algorithm and fingerprint) pseudonyms were made with. */
  masking: MaskingRecord;
  /** The rows sent: a share's filter, compiled; reconciliation compares only those. */
  where?: CompiledFilter;
}
