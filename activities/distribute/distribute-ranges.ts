import type { StageSummary } from '../../schemas/collect-run.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { stageBatches } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { combineRangeCheckpoints, combineStagedStates, planKeyRanges, readRangePlan, recordRangePlan, type RangePlan } from '../staging/key-ranges.ts';
import { VALUE_TEXT_SETTINGS } from '../staging/open-source.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { openTarget } from './open-target.ts';
import { shadowRef } from './plan-distribution.ts';
import type { TargetRef } from '../../connectors/target-tables.ts';
import { DISTRIBUTE_STEP, distributeService, prepareDistribution, type StageDistributeInput } from './stage-distribute.ts';

/** What the workflow learns of a split: how many ranges to start (the bounds stay in the checkpoints). */
export interface DistributeRangesSummary {
  ranges: number;
  method: RangePlan['method'];
}

/**
 * Splits a full distribution into key ranges (source.parallelism of them, fewer for fewer keys) and
 * creates the one shadow table they all load, in the department's database, while the centre's
 * transaction that records the plan is open: a retried planner gets the recorded plan back and
 * leaves the shadow (and what ranges already loaded into it) alone.
 */
export async function planDistributeRanges(input: StageDistributeInput): Promise<DistributeRangesSummary> {
  return classifyErrors(async () => {
    const { runId, spec } = input;
    if (spec.target.mode !== 'full') throw new BadInputError('parallelism splits a full distribution: an incremental one sends its changes in one pass');
    const { plan } = await prepareDistribution(input);
    if (!plan.resumable) {
      throw new BadInputError(
        `parallelism splits a distribution by an integer key, which orders alike in every database; ${plan.key} is not one: drop parallelism or name an integer source.key`,
      );
    }
    const config = activityConfig();
    const centre = await connectPostgres(config.databaseUrl, { application: 'dataops-plan-ranges', label: 'the centre database' });
    try {
      await centre.query(`SET jit = off; ${VALUE_TEXT_SETTINGS}`);
      const keyType = plan.sourceColumns.find((c) => c.name === plan.key)!.pgType;
      const split = await planKeyRanges(centre, { from: quoteTable(plan.sourceTable), key: plan.key, keyType, parallelism: spec.source.parallelism ?? 1 });
      const shadow = shadowRef(plan.target, runId);
      // Kept with the plan, so a run that fails before any range has a checkpoint still drops the shadow (drop-shadows.ts).
      const planned: RangePlan & { connection: string; shadow: TargetRef } = { ...split, stagedKey: plan.key, connection: spec.target.connection, shadow };
      await centre.query('BEGIN');
      const { plan: recordedPlan, recorded } = await recordRangePlan(centre, runId, DISTRIBUTE_STEP, planned);
      if (recorded) {
        const tables = await openTarget(config, spec.target.connection);
        try {
          await tables.create(shadow, plan.targetColumns, plan.key);
        } finally {
          await tables.close();
        }
      }
      await centre.query('COMMIT');
      activityLogger({ runId, step: DISTRIBUTE_STEP }).info({ ranges: recordedPlan.ranges.length, recorded }, 'planned key ranges');
      return { ranges: recordedPlan.ranges.length, method: recordedPlan.method };
    } catch (error) {
      await centre.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await centre.end().catch(() => undefined);
    }
  });
}

export interface StageDistributeRangeInput extends StageDistributeInput {
  /** Which range of the run's plan (planDistributeRanges) this activity copies. */
  range: number;
}

/**
 * Copies one key range of a split distribution into the shared shadow through the batch stager, with
 * its own checkpoint (`distribute#<range>`): a retry on any worker first cuts off what was written
 * past that checkpoint within the range, then goes on after its last committed key.
 */
export async function stageDistributeRange(input: StageDistributeRangeInput): Promise<StageSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const centre = await connectPostgres(activityConfig().databaseUrl, { application: 'dataops-distribute-range', label: 'the centre database' });
      const recorded = await readRangePlan(centre, input.runId, DISTRIBUTE_STEP).finally(() => centre.end().catch(() => undefined));
      const range = recorded?.ranges?.[input.range];
      if (!range) throw new Error(`run ${input.runId} has no key range ${input.range} planned`);
      const { plan, sync } = await prepareDistribution(input);
      return stageBatches(distributeService(input, plan, sync, { index: input.range, range }), beat);
    }),
  );
}

/** The ranges' checkpoints become the run's one `distribute` checkpoint, which publishing reads as for an unsplit run. */
export async function combineDistributeRanges({ runId, ranges }: { runId: string; ranges: number }): Promise<{ rows: number }> {
  return classifyErrors(async () => {
    const combined = await combineRangeCheckpoints<DistributeCheckpoint>(activityDb(), runId, DISTRIBUTE_STEP, ranges, (states) => {
      const { range: _range, ...first } = states[0]!;
      return { ...first, ...combineStagedStates(states) };
    });
    return { rows: combined.rows };
  });
}
