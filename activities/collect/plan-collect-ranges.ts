import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { quoteTable } from '../../connectors/postgres/quote.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { activityConfig, activityLogger, classifyErrors } from '../context.ts';
import { planKeyRanges, recordRangePlan, type RangePlan } from '../staging/key-ranges.ts';
import { connectSource, openSourceReader } from '../staging/open-source.ts';
import { createStagingTable, STAGING_SCHEMA } from '../staging/staging-table.ts';
import { COLLECT_STEP, collectLayout, collectStagingTable } from './stage-collect.ts';

export interface PlanCollectRangesInput {
  runId: string;
  spec: CollectJobSpec;
}

/** What the workflow learns of the plan: how many ranges to start (the bounds are data and stay in the checkpoints). */
export interface RangePlanSummary {
  ranges: number;
  method: RangePlan['method'];
  /** The planner's row estimate of a table source, for progress. */
  estimatedRows?: number;
}

/**
 * Splits a table or keyed query source into key ranges (source.parallelism of them, fewer for fewer
 * keys) and creates the one staging table they all write into, in the transaction that records the
 * plan: ranges never race to create it, and a retried planner returns the recorded plan untouched.
 */
export async function planCollectRanges({ runId, spec }: PlanCollectRangesInput): Promise<RangePlanSummary> {
  return classifyErrors(async () => {
    const source = spec.source;
    if (source.type === 'file') throw new BadInputError('parallelism splits a table or query source by its key; a file is read in one pass');
    if (source.incremental) throw new BadInputError('an incremental sync cannot be split into key ranges yet: drop parallelism or incremental');
    const config = activityConfig();
    const opened = await openSourceReader(config, source, undefined);
    const { columns, key } = opened.reader;
    const tableRows = opened.reader.estimatedRows;
    await opened.close();
    if (!key) {
      throw new BadInputError(
        `${source.type === 'table' ? `table ${source.table}` : 'the query'} has no key to split by: set source.key to a unique, non-null column (or drop parallelism)`,
      );
    }
    const keyColumn = columns.find((c) => c.name === key)!;
    const { client: sourceClient } = await connectSource(config, source.connection);
    let split: Awaited<ReturnType<typeof planKeyRanges>>;
    try {
      split = await planKeyRanges(sourceClient, {
        from: source.type === 'table' ? quoteTable(source.table) : `(${source.sql}) AS q`,
        key: keyColumn.label ?? keyColumn.name,
        keyType: keyColumn.pgType,
        parallelism: source.parallelism ?? 1,
        tableRows,
      });
    } finally {
      await sourceClient.end().catch(() => undefined);
    }
    const stagingTable = collectStagingTable(runId);
    const centre = await connectPostgres(config.databaseUrl, { application: 'dataops-plan-ranges', label: 'the centre database' });
    try {
      await centre.query(`CREATE SCHEMA IF NOT EXISTS ${STAGING_SCHEMA}`);
      await centre.query('BEGIN');
      const { plan, recorded } = await recordRangePlan(centre, runId, COLLECT_STEP, { ...split, stagedKey: key, stagingTable });
      if (recorded) await createStagingTable(centre, stagingTable, columns, collectLayout(spec));
      await centre.query('COMMIT');
      activityLogger({ runId, step: COLLECT_STEP }).info({ ranges: plan.ranges.length, method: plan.method, recorded }, 'planned key ranges');
      return { ranges: plan.ranges.length, method: plan.method, ...(tableRows ? { estimatedRows: tableRows } : {}) };
    } catch (error) {
      await centre.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await centre.end().catch(() => undefined);
    }
  });
}
