import type { RuleCountersState } from '../../governance/rules/counters.ts';
import type { DuplicateTrackerState } from '../../governance/rules/dedup.ts';
import type { StagedState } from '../staging/batch-stager.ts';

/** Everything a retried cleanse needs to continue exactly after the last committed batch. */
export interface CleanseCheckpoint extends StagedState {
  /** How the records read so far ended up. */
  clean: number;
  flagged: number;
  rejected: number;
  /** Values changed by normalisers. */
  fixes: number;
  /** Row refs handed out so far (the next row gets nextRef + 1). */
  nextRef: number;
  counters: RuleCountersState;
  tracker: DuplicateTrackerState | null;
  /** Columns naming a record in the quarantine (the spec's key, else the source's resume key; none: row numbers). */
  keyColumns?: string[];
  /** The source session's time zone: typed staged values print in it (quarantine, publish profile). */
  timeZone?: string;
}
