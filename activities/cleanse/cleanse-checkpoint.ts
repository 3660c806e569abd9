import type { ColumnInfo, SourcePosition } from '../../connectors/source-chunk.ts';
import type { RuleCountersState } from '../../governance/rules/counters.ts';
import type { DuplicateTrackerState } from '../../governance/rules/dedup.ts';

/** Everything a retried cleanse needs to continue exactly after the last committed batch. */
export interface CleanseCheckpoint {
  position: SourcePosition | null;
  /** Records read, and how they ended up. */
  rows: number;
  clean: number;
  flagged: number;
  rejected: number;
  /** Values changed by normalisers. */
  fixes: number;
  bytes: number;
  batches: number;
  /** Row refs handed out so far (the next row gets nextRef + 1). */
  nextRef: number;
  columns: ColumnInfo[];
  counters: RuleCountersState;
  tracker: DuplicateTrackerState | null;
  stagingTable: string;
  /** The source session's time zone: typed staged values print in it (quarantine, publish profile). */
  timeZone?: string;
  stagedAttempt?: number;
}
