import type { Knex } from 'knex';
import type { Config } from '../../schemas/config.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { openTarget } from './open-target.ts';
import { DISTRIBUTE_STEP } from './stage-distribute.ts';

/**
 * Drops the shadow table a run that will never publish left in a department's database (the
 * centre's staging is dropped by abandonRunStaging). Best effort: an unreachable department database
 * keeps its shadow, which the next run's own shadow never collides with.
 */
export async function dropRunShadows(db: Knex, config: Config, runId: string): Promise<string[]> {
  // The run's checkpoint, or those of its key ranges (`distribute#0` ..), which share one shadow.
  const rows = (await db('dataops.checkpoints')
    .where({ run_id: runId })
    .where((q) => q.where({ step: DISTRIBUTE_STEP }).orWhere('step', 'like', `${DISTRIBUTE_STEP}#%`))
    .whereNot({ status: 'published' })
    .select('state')) as {
    state: Partial<DistributeCheckpoint>;
  }[];
  const dropped: string[] = [];
  const seen = new Set<string>();
  for (const { state } of rows) {
    if (!state.connection || !state.shadow) continue;
    const id = `${state.connection}\u0000${state.shadow.schema ?? ''}.${state.shadow.table}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const tables = await openTarget(config, state.connection).catch(() => undefined);
    if (!tables) continue;
    try {
      await tables.drop(state.shadow);
      dropped.push(tables.label(state.shadow));
    } finally {
      await tables.close();
    }
  }
  return dropped;
}
