import { upsertSearchAttributes } from '@temporalio/workflow';
import type { FuseWorkflowInput } from '../schemas/fuse-run.ts';
import type { FuseMatchSummary, FusePublishSummary } from '../activities/fuse/match-fusion.ts';
import type { FuseSourceSummary } from '../activities/fuse/stage-fuse-source.ts';
import { DataOpsRecords } from './definitions.ts';
import { bookkeeping, DATA_RETRY, ProgressState, withRunRecord } from './lifecycle.ts';
import { runContext } from './run-context.ts';

export interface FuseResult {
  runId: string;
  sources: FuseSourceSummary[];
  match: FuseMatchSummary;
  publish: FusePublishSummary;
}

/**
 * Fusion (数据融合治理): each source's records staged normalised (in parallel, committed batch by batch),
 * then matched into entities with stable ids and golden records and published with their history,
 * lineage, events and review queue in one transaction. Rows stay in PostgreSQL; only table names and counts pass through here.
 */
export async function fuse(input: FuseWorkflowInput): Promise<FuseResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  const started = Date.now();
  return withRunRecord({ runId, spec, logicalDate, parentRunId: input.parentRunId }, progress, async () => {
    progress.set({ phase: 'staging', step: 'fuse' });
    const heartbeatTimeout = `${spec.options.heartbeatSeconds} seconds`;
    const sources = await Promise.all(
      spec.sources.map((source, i) =>
        bookkeeping.stageFuseSource.executeWithOptions(
          { startToCloseTimeout: '12 hours', heartbeatTimeout, retry: DATA_RETRY, summary: `normalise ${source.name} (${source.table}) for matching` },
          [{ runId, spec, source: i }],
        ),
      ),
    );
    const records = sources.reduce((n, s) => n + s.records, 0);
    progress.set({ phase: 'staging', step: 'fuse_match', rows: records });
    const { match, publish } = await bookkeeping.matchFusion.executeWithOptions(
      {
        startToCloseTimeout: '6 hours',
        heartbeatTimeout: '5 minutes',
        retry: DATA_RETRY,
        summary: `match ${records} records into ${spec.entity} entities and publish them into ${spec.target.table}`,
      },
      [{ runId, spec, staged: sources, startedAt: started }],
    );
    upsertSearchAttributes([{ key: DataOpsRecords, value: records }]);
    return { runId, sources, match, publish };
  });
}
