import type { Knex } from 'knex';
import type { ShareFilesCheckpoint } from './share-files-checkpoint.ts';
import { removePartials } from './extract-folders.ts';
import { SHARE_STEP } from './stage-share.ts';

/** Removes the partial folders of a file share that will never publish (its checkpoint is abandoned next). */
export async function dropSharePartials(db: Knex, runId: string): Promise<string[]> {
  const rows = (await db('dataops.checkpoints').where({ run_id: runId, step: SHARE_STEP }).whereNot({ status: 'published' }).select('state')) as {
    state: Partial<ShareFilesCheckpoint>;
  }[];
  const removed: string[] = [];
  for (const { state } of rows) if (state.finalPath) removed.push(...(await removePartials(state.finalPath, runId)));
  return removed;
}
