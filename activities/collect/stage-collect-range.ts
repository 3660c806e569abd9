import type { StageSummary } from '../../schemas/collect-run.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { mergeTableProfiles } from '../../governance/profile/merge-profiles.ts';
import type { TableProfileState } from '../../governance/profile/column-profiler.ts';
import { activityConfig, activityDb, classifyErrors } from '../context.ts';
import { stageBatches } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { combineRangeCheckpoints, combineStagedStates, readRangePlan } from '../staging/key-ranges.ts';
import type { CollectCheckpoint } from './collect-checkpoint.ts';
import { COLLECT_STEP, collectService, type StageCollectInput } from './stage-collect.ts';

export interface StageCollectRangeInput extends StageCollectInput {
  /** Which range of the run's plan (planCollectRanges) this activity stages. */
  range: number;
}

/**
 * Stages one key range of a split collection through the batch stager, with its own checkpoint
 * (`collect#<range>`), into the staging table the planner made: a retry on any worker resumes the
 * range after its last committed key.
 */
export async function stageCollectRange(input: StageCollectRangeInput): Promise<StageSummary> {
  return classifyErrors(async () => {
    const centre = await connectPostgres(activityConfig().databaseUrl, { application: 'dataops-collect-range', label: 'the centre database' });
    const plan = await readRangePlan(centre, input.runId, COLLECT_STEP).finally(() => centre.end().catch(() => undefined));
    const range = plan?.ranges?.[input.range];
    if (!plan || !range) throw new Error(`run ${input.runId} has no key range ${input.range} planned`);
    return withKeepAlive((beat) => stageBatches(collectService(input, 'none', { index: input.range, range, plan }), beat));
  });
}

export interface CombineCollectRangesInput {
  runId: string;
  ranges: number;
}

/** The ranges' checkpoints become the run's one `collect` checkpoint, which publishing reads as for an unsplit run. */
export async function combineCollectRanges({ runId, ranges }: CombineCollectRangesInput): Promise<{ rows: number }> {
  return classifyErrors(async () => {
    const combined = await combineRangeCheckpoints<CollectCheckpoint>(activityDb(), runId, COLLECT_STEP, ranges, (states) => ({
      ...states[0]!,
      ...combineStagedStates(states),
      profile: mergeTableProfiles(states.map((s) => s.profile as TableProfileState)),
      startedAttempt: Math.min(...states.map((s) => s.startedAttempt)),
    }));
    return { rows: combined.rows };
  });
}
