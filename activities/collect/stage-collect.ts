import pg from 'pg';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { TableProfiler, type ColumnTypeHint, type TableProfileState } from '../../governance/profile/column-profiler.ts';
import { chunkPipeline } from './chunk-pipeline.ts';
import { initialTypes, typeChanges } from '../../governance/speculative-types.ts';
import type { SourcePosition } from '../../connectors/source-chunk.ts';
import { withKeepAlive, type Beat } from '../staging/keep-alive.ts';
import { activityConfig, activityLogger, classifyErrors } from '../context.ts';
import { takeOverCheckpoint, writeCheckpoint, type StageCheckpoint } from '../staging/checkpoint.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { ProgressReporter } from '../staging/progress-reporter.ts';
import { STAGING_SCHEMA, stagingTableName } from '../staging/staging-table.ts';
import { createStagingTable, StagingWriter, WidenToTextError } from '../staging/staging-writer.ts';

export interface StageCollectInput {
  runId: string;
  spec: CollectJobSpec;
}

export const COLLECT_STEP = 'collect';

/** SQLSTATE class 22: a value PostgreSQL refused for its column type. */
const isDataException = (error: unknown) => typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('22');

/** What a restaged run falls back to: all text (PostgreSQL refused a value), or text cast once at publish. */
type Fallback = 'none' | 'text' | 'cast-on-publish';

function chooseTyping(spec: CollectJobSpec, fallback: Fallback): StageCheckpoint['typing'] {
  if (spec.source.type !== 'file') return 'source';
  if (fallback === 'text' || spec.target.typing === 'text') return 'text';
  if (fallback === 'cast-on-publish') return 'cast-on-publish';
  return spec.source.format === 'csv' ? 'speculative' : 'cast-on-publish';
}

/**
 * Streams the source into a run-scoped staging table in committed batches. Each batch's rows and the
 * checkpoint describing them (source position, counts, column profile, column types) commit in one
 * transaction, so a retry after a crash continues exactly where the last commit left off.
 *
 * CSV columns are typed speculatively from the first chunk (the profiler knows which type every value
 * so far fits) and widened in place when later values need it, so PostgreSQL casts while it copies
 * and publishing needs no table rewrite.
 */
export async function stageCollect(input: StageCollectInput): Promise<StageSummary> {
  return classifyErrors(() => withKeepAlive((beat) => stageCollectBody(input, 'none', beat)));
}

async function stageCollectBody(input: StageCollectInput, fallback: Fallback, beat: Beat): Promise<StageSummary> {
  return (async () => {
    const { runId, spec } = input;
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const log = activityLogger({ runId, step: COLLECT_STEP });
    const config = activityConfig();
    const staging = stagingTableName(runId, COLLECT_STEP);
    const client = new pg.Client({ connectionString: config.databaseUrl, application_name: 'dataops-collect' });
    await client.connect();
    let restartWith: Fallback = 'none';
    try {
      // A batch lost to a database crash is lost together with its checkpoint, so the retry redoes it:
      // staging commits need not wait for the WAL flush. Publishing keeps synchronous commit.
      await client.query('SET synchronous_commit = off');
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${STAGING_SCHEMA}`);
      const existing = await takeOverCheckpoint(client, runId, COLLECT_STEP, attempt);
      if (existing && existing.status !== 'staging') {
        const s = existing.state;
        return { rows: s.rows, bytes: s.bytes, batches: s.batches, attempt, resumedFromRow: s.rows, stagingTable: staging };
      }
      const source = await openSourceReader(config, spec.source, existing?.state.position ?? undefined);
      const { reader } = source;
      const sameNames = existing && existing.state.columns.map((c) => c.name).join() === reader.columns.map((c) => c.name).join();
      if (existing && !(source.resumable && sameNames)) {
        await source.close();
        log.warn('source cannot resume from its checkpoint; starting over');
        await client.query('DELETE FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, COLLECT_STEP]);
        return await stageCollectBody(input, fallback, beat);
      }
      const typing = existing?.state.typing ?? chooseTyping(spec, fallback);
      const speculative = typing === 'speculative';
      let checkpoint: StageCheckpoint = existing?.state ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns: reader.columns,
        typing,
        profile: new TableProfiler(reader.columns.map((c) => c.name)).toState(),
        stagingTable: staging,
        startedAttempt: attempt,
      };
      if (existing) log.info({ rows: checkpoint.rows, position: checkpoint.position }, 'resuming from checkpoint');
      const resumedFromRow = checkpoint.rows;
      const pipeline = chunkPipeline(reader, checkpoint.profile as TableProfileState, spec.options.batchRows);
      const writer = new StagingWriter(client, staging, checkpoint.columns, reader.copyOptions);
      const progress = new ProgressReporter(COLLECT_STEP);
      let stagingReady = Boolean(existing);
      let batchRows = 0;
      let batchBytes = 0;
      let position: SourcePosition | null = checkpoint.position;

      const ensureStaging = async (hints: ColumnTypeHint[]) => {
        if (stagingReady) return;
        if (speculative) writer.columns = initialTypes(reader.columns, hints);
        await client.query('BEGIN');
        await createStagingTable(client, staging, writer.columns);
        checkpoint = { ...checkpoint, columns: writer.columns };
        await writeCheckpoint(client, runId, COLLECT_STEP, 'staging', checkpoint, attempt);
        await client.query('COMMIT');
        stagingReady = true;
      };

      const commitBatch = async () => {
        await ensureStaging([]);
        const profile = await pipeline.profileState();
        await writer.commit(async () => {
          checkpoint = {
            ...checkpoint,
            position,
            columns: writer.columns,
            rows: checkpoint.rows + batchRows,
            bytes: checkpoint.bytes + batchBytes,
            batches: checkpoint.batches + 1,
            profile,
          };
          await writeCheckpoint(client, runId, COLLECT_STEP, 'staging', checkpoint, attempt);
        });
        batchRows = 0;
        batchBytes = 0;
        beat({ rows: checkpoint.rows, batches: checkpoint.batches, position });
        log.debug({ rows: checkpoint.rows, batches: checkpoint.batches }, 'batch committed');
      };

      try {
        for await (const chunk of pipeline.chunks()) {
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure('collection cancelled');
          await ensureStaging(chunk.hints);
          if (speculative) await writer.widen(typeChanges(writer.columns, chunk.hints));
          await writer.write(chunk.payload);
          batchRows += chunk.rows;
          batchBytes += chunk.bytes;
          position = chunk.end;
          if (chunk.batchEnd) await commitBatch();
          else beat({ rows: checkpoint.rows, batches: checkpoint.batches, position: checkpoint.position });
          progress.report({
            rows: checkpoint.rows + batchRows,
            bytes: checkpoint.bytes + batchBytes,
            totalBytes: reader.totalBytes,
            batches: checkpoint.batches,
          });
        }
        await commitBatch();
        checkpoint = { ...checkpoint, stagedAttempt: attempt };
        await writeCheckpoint(client, runId, COLLECT_STEP, 'staged', checkpoint, attempt);
      } catch (error) {
        await writer.abort();
        if (speculative && error instanceof WidenToTextError) {
          // A column turned out to be text: restage as text and cast the other columns once at publish.
          log.info({ columns: error.columns }, 'a typed column needs text; restaging with types applied at publish');
          restartWith = 'cast-on-publish';
        } else if (speculative && isDataException(error)) {
          // PostgreSQL refused a value the profiler accepted for a speculated type: stage as text instead.
          log.warn({ error: (error as Error).message }, 'speculative column types refused; restaging as text');
          restartWith = 'text';
        } else {
          throw error;
        }
      } finally {
        await pipeline.close();
        await source.close();
      }
      if (restartWith === 'none') {
        progress.report({ rows: checkpoint.rows, bytes: checkpoint.bytes, totalBytes: reader.totalBytes, batches: checkpoint.batches }, true);
        log.info({ rows: checkpoint.rows, batches: checkpoint.batches, resumedFromRow, columns: writer.columns }, 'staged');
        return { rows: checkpoint.rows, bytes: checkpoint.bytes, batches: checkpoint.batches, attempt, resumedFromRow, stagingTable: staging };
      }
      await client.query('DELETE FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, COLLECT_STEP]);
    } finally {
      await client.end().catch(() => undefined);
    }
    return stageCollectBody(input, restartWith, beat);
  })();
}
