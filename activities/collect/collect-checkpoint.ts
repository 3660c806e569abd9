import type { StagedState } from '../staging/batch-stager.ts';
import type { CollectTyping } from './collect-typing.ts';
import type { PickedFile } from './pick-files.ts';

/** A collection's checkpoint: the shared staging state plus column typing and the profile so far. */
export interface CollectCheckpoint extends StagedState {
  typing: CollectTyping;
  /** The column profiler's serialised state: it covers exactly the committed rows. */
  profile: unknown;
  startedAttempt: number;
  /** A database source's session time zone: how its typed values print (the merged table's profile). */
  timeZone?: string;
  /** A folder source: the files this run reads, in order, their rows so far, and what to say about the rest. */
  files?: PickedFile[];
  fileRows?: number[];
  fileNotes?: string[];
}
