import { Context } from '@temporalio/activity';
import type { DistributeJobSpec } from '../../schemas/job-spec.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { activityConfig, activityDb, classifyErrors } from '../context.ts';
import { stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { openTarget, targetKind } from './open-target.ts';
import { planDistribution, shadowRef, type DistributionPlan } from './plan-distribution.ts';
import { openShadowSink } from './shadow-sink.ts';
import { maxUnmaskedLevel } from '../../config/connections.ts';
import { resolveMaskingKey } from '../../config/masking-keys.ts';
import { maskerFor, type Masker } from '../../governance/masking/masker.ts';
import { keyFingerprint } from '../../governance/masking/pseudonym.ts';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import type { SourceChunk } from '../../connectors/source-chunk.ts';
import type { RowFilter } from '../../schemas/row-filter.ts';

export const DISTRIBUTE_STEP = 'distribute';

export interface StageDistributeInput {
  runId: string;
  spec: DistributeJobSpec;
  /** Only the rows this keeps are sent (a share to a table). */
  filter?: RowFilter;
}

/**
 * Copies the centre table into a shadow table beside the target, in committed, checkpointed batches
 * through the batch stager. The target itself is untouched until publishing swaps the shadow in.
 */
export async function stageDistribute(input: StageDistributeInput): Promise<StageSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const config = activityConfig();
      const kind = targetKind(config, input.spec.target.connection);
      const client = await connectPostgres(config.databaseUrl, { application: 'dataops-distribute', label: 'the centre database' });
      let plan: DistributionPlan;
      try {
        plan = await planDistribution(activityDb(), client, input.spec, kind, maxUnmaskedLevel(config, input.spec.target.connection), input.filter);
      } finally {
        await client.end().catch(() => undefined);
      }
      await refuseSchemaChange(input.spec, plan);
      return stageBatches(distributeService(input, plan), beat);
    }),
  );
}

/** The chunk's rows with the masked columns masked, as COPY text again. */
export function maskedPayload(chunk: SourceChunk, maskers: (Masker | undefined)[]): Buffer {
  let text = '';
  for (const row of chunk.rows) text += copyTextRow(row.map((value, i) => (maskers[i] ? maskers[i]!(value) : value)));
  return Buffer.from(text, 'utf8');
}

/** `schemaChange: fail` refuses a target whose columns are not the ones this run sends, before any row moves. */
async function refuseSchemaChange(spec: DistributeJobSpec, plan: DistributionPlan): Promise<void> {
  if (spec.target.schemaChange !== 'fail') return;
  const tables = await openTarget(activityConfig(), spec.target.connection);
  try {
    const existing = await tables.columnsOf(plan.target);
    if (!existing) return;
    const have = existing.map((c) => c.name).join(', ');
    const want = plan.targetColumns.map((c) => c.name).join(', ');
    if (have !== want) {
      throw new BadInputError(
        `${tables.label(plan.target)} has the columns (${have}), this distribution sends (${want}); set target.schemaChange: rebuild to replace the table`,
      );
    }
  } finally {
    await tables.close();
  }
}

function distributeService({ runId, spec }: StageDistributeInput, plan: DistributionPlan): StageService<DistributeCheckpoint, StageSummary> {
  const attempt = Context.current().info.attempt;
  // A key that orders alike everywhere (an integer) lets an attempt resume in the run's one shadow
  // table; otherwise each attempt loads its own, so one superseded but still running cannot mix in.
  const shadow = shadowRef(plan.target, runId, plan.resumable ? undefined : attempt);
  const key = plan.masks.some((m) => m.mask === 'pseudonym') ? resolveMaskingKey(activityConfig()) : undefined;
  const maskers = plan.masks.map((m) => (m.mask === 'none' ? undefined : maskerFor(m, key)));
  return {
    runId,
    step: DISTRIBUTE_STEP,
    batchRows: spec.options.batchRows,
    openSource: (position) => openSourceReader(activityConfig(), plan.source, position),
    canResume: (committed, source) => plan.resumable && committed.shadow.table === shadow.table && source.resumable,
    async start(source, committed) {
      const state: DistributeCheckpoint = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns: source.reader.columns,
        stagingTable: `${spec.target.connection}:${shadow.schema ? `${shadow.schema}.` : ''}${shadow.table}`,
        sourceTable: plan.sourceTable,
        connection: spec.target.connection,
        target: plan.target,
        shadow,
        targetColumns: plan.targetColumns,
        sourceColumns: plan.sourceColumns,
        key: plan.key,
        resumable: plan.resumable,
        masking: {
          masks: Object.fromEntries(plan.targetColumns.map((c, i) => [c.name, plan.masks[i]!.mask])),
          ...(key ? { keyVersion: key.version, algorithm: key.algorithm, keyFingerprint: keyFingerprint(key) } : {}),
        },
        ...(plan.where ? { where: plan.where } : {}),
      };
      return {
        state,
        transform: {
          async absorb(chunk, sink) {
            await sink.write(maskers.some(Boolean) ? maskedPayload(chunk, maskers) : chunk.payload);
          },
        },
      };
    },
    async openSink(init, state) {
      const tables = await openTarget(activityConfig(), state.connection);
      // Shadows of earlier attempts that could not resume are dropped, not left in the department's database.
      for (let a = 1; !plan.resumable && a < attempt; a++) await tables.drop(shadowRef(plan.target, runId, a));
      return openShadowSink(init, state, tables);
    },
    summary: (s, at, resumedFromRow) => ({ rows: s.rows, bytes: s.bytes, batches: s.batches, attempt: at, resumedFromRow, stagingTable: s.stagingTable }),
  };
}
