import type { StagedState } from '../staging/batch-stager.ts';
import type { TargetColumn, TargetRef } from '../../connectors/target-tables.ts';
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
  /** Integer keys order the same in every database: an attempt resumes after the last one committed. */
  resumable: boolean;
  /** Each column's mask, and the key version (with its algorithm and fingerprint) pseudonyms were made with. */
  masking: { masks: Record<string, string>; keyVersion?: string; algorithm?: string; keyFingerprint?: string };
  /** The rows sent: a share's filter, compiled; reconciliation compares only those. */
  where?: CompiledFilter;
}
