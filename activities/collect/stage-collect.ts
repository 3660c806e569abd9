import pg from 'pg';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { TableProfiler } from '../../governance/profile/column-profiler.ts';
import { CopyIn } from '../../connectors/postgres/copy-in.ts';
import { quoteIdent } from '../../connectors/postgres/quote.ts';
import type { ColumnInfo, SourcePosition } from '../../connectors/source-chunk.ts';
import { activityConfig, activityLogger, classifyErrors } from '../context.ts';
import { readCheckpoint, writeCheckpoint, type StageCheckpoint } from './checkpoint.ts';
import { openSourceReader } from './open-reader.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { STAGING_SCHEMA, stagingTableName } from './staging.ts';

export interface StageCollectInput {
  runId: string;
  spec: CollectJobSpec;
}

export const COLLECT_STEP = 'collect';

function sameColumns(a: ColumnInfo[], b: ColumnInfo[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && c.pgType === b[i]!.pgType);
}

async function createStaging(client: pg.Client, table: string, columns: ColumnInfo[]): Promise<void> {
  const [schema, name] = table.split('.') as [string, string];
  const qualified = `${quoteIdent(schema)}.${quoteIdent(name)}`;
  await client.query(`DROP TABLE IF EXISTS ${qualified}`);
  await client.query(`CREATE TABLE ${qualified} (${columns.map((c) => `${quoteIdent(c.name)} ${c.pgType}`).join(', ')})`);
}

/**
 * Streams the source into a run-scoped staging table in committed batches. Each batch's rows and the
 * checkpoint describing them (source position, counts, column profile) commit in one transaction, so
 * a retry after a crash continues exactly where the last commit left off: no loss, no duplicates.
 */
export async function stageCollect(input: StageCollectInput): Promise<StageSummary> {
  return classifyErrors(async () => {
    const { runId, spec } = input;
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const log = activityLogger({ runId, step: COLLECT_STEP });
    const config = activityConfig();
    const staging = stagingTableName(runId, COLLECT_STEP);
    const [stagingSchema, stagingName] = staging.split('.') as [string, string];
    const qualifiedStaging = `${quoteIdent(stagingSchema)}.${quoteIdent(stagingName)}`;
    const client = new pg.Client({ connectionString: config.databaseUrl, application_name: 'dataops-collect' });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${STAGING_SCHEMA}`);
      const existing = await readCheckpoint(client, runId, COLLECT_STEP);
      if (existing && existing.status !== 'staging') {
        const s = existing.state;
        return { rows: s.rows, bytes: s.bytes, batches: s.batches, attempt, resumedFromRow: s.rows, stagingTable: staging };
      }
      const source = await openSourceReader(config, spec.source, existing?.state.position ?? undefined);
      let copy: CopyIn | undefined;
      try {
        const { reader } = source;
        let checkpoint: StageCheckpoint;
        const canResume = existing && source.resumable && sameColumns(existing.state.columns, reader.columns);
        if (canResume) {
          checkpoint = existing.state;
          log.info({ rows: checkpoint.rows, position: checkpoint.position }, 'resuming from checkpoint');
        } else {
          if (existing) {
            await source.close();
            log.warn('source cannot resume from its checkpoint; starting over');
            return await restart();
          }
          checkpoint = {
            position: null, rows: 0, bytes: 0, batches: 0, columns: reader.columns,
            profile: new TableProfiler(reader.columns.map((c) => c.name)).toState(), stagingTable: staging, startedAttempt: attempt,
          };
          await client.query('BEGIN');
          await createStaging(client, staging, reader.columns);
          await writeCheckpoint(client, runId, COLLECT_STEP, 'staging', checkpoint);
          await client.query('COMMIT');
        }
        const resumedFromRow = checkpoint.rows;
        const profiler = TableProfiler.fromState(checkpoint.profile as Parameters<typeof TableProfiler.fromState>[0]);
        const progress = new ProgressReporter(COLLECT_STEP);
        const copySql = `COPY ${qualifiedStaging} (${reader.columns.map((c) => quoteIdent(c.name)).join(', ')}) FROM STDIN WITH (${reader.copyOptions})`;
        let batchRows = 0;
        let batchBytes = 0;
        let position: SourcePosition | null = checkpoint.position;

        const commitBatch = async () => {
          if (copy) await copy.finish();
          else await client.query('BEGIN');
          checkpoint = {
            ...checkpoint, position, rows: checkpoint.rows + batchRows, bytes: checkpoint.bytes + batchBytes,
            batches: checkpoint.batches + 1, profile: profiler.toState(),
          };
          await writeCheckpoint(client, runId, COLLECT_STEP, 'staging', checkpoint);
          await client.query('COMMIT');
          copy = undefined;
          batchRows = 0;
          batchBytes = 0;
          ctx.heartbeat({ rows: checkpoint.rows, batches: checkpoint.batches, position });
          log.debug({ rows: checkpoint.rows, batches: checkpoint.batches }, 'batch committed');
        };

        for await (const chunk of reader.chunks()) {
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure('collection cancelled');
          if (!copy) {
            await client.query('BEGIN');
            copy = new CopyIn(client, copySql);
          }
          const rows = chunk.rows;
          for (let i = 0; i < rows.length; i++) profiler.addRow(rows[i]!);
          await copy.write(chunk.payload);
          batchRows += rows.length;
          batchBytes += chunk.bytes;
          position = chunk.end;
          if (batchRows >= spec.options.batchRows) await commitBatch();
          else ctx.heartbeat({ rows: checkpoint.rows, batches: checkpoint.batches, position: checkpoint.position });
          progress.report({ rows: checkpoint.rows + batchRows, bytes: checkpoint.bytes + batchBytes, totalBytes: reader.totalBytes, batches: checkpoint.batches });
        }
        if (batchRows > 0 || checkpoint.batches === 0 || copy) await commitBatch();
        checkpoint = { ...checkpoint, stagedAttempt: attempt };
        await writeCheckpoint(client, runId, COLLECT_STEP, 'staged', checkpoint);
        progress.report({ rows: checkpoint.rows, bytes: checkpoint.bytes, totalBytes: reader.totalBytes, batches: checkpoint.batches }, true);
        log.info({ rows: checkpoint.rows, batches: checkpoint.batches, resumedFromRow }, 'staged');
        return { rows: checkpoint.rows, bytes: checkpoint.bytes, batches: checkpoint.batches, attempt, resumedFromRow, stagingTable: staging };
      } catch (error) {
        copy?.abort('collection failed');
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await source.close();
      }
    } finally {
      await client.end().catch(() => undefined);
    }

    async function restart(): Promise<StageSummary> {
      const reset = new pg.Client({ connectionString: config.databaseUrl });
      await reset.connect();
      try {
        await reset.query('DELETE FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, COLLECT_STEP]);
      } finally {
        await reset.end();
      }
      return stageCollect(input);
    }
  });
}
