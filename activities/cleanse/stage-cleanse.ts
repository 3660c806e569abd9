import pg from 'pg';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { CleanseJobSpec } from '../../schemas/job-spec.ts';
import type { CleanseStageSummary } from '../../schemas/cleanse-run.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { ColumnInfo, SourcePosition } from '../../connectors/source-chunk.ts';
import { compilePlan, RulePlanError, type RulePlan } from '../../governance/rules/engine.ts';
import { RuleCounters } from '../../governance/rules/counters.ts';
import { DuplicateTracker } from '../../governance/rules/dedup.ts';
import type { TableRuleSpec } from '../../governance/rules/spec.ts';
import type { CompileContext } from '../../governance/rules/types.ts';
import { withKeepAlive, type Beat } from '../staging/keep-alive.ts';
import { activityConfig, activityLogger, classifyErrors } from '../context.ts';
import { takeOverCheckpoint, writeCheckpoint } from '../staging/checkpoint.ts';
import { openSourceReader, VALUE_TEXT_SETTINGS } from '../staging/open-source.ts';
import { ProgressReporter } from '../staging/progress-reporter.ts';
import { STAGING_SCHEMA, stagingTableName } from '../staging/staging-table.ts';
import { createStagingTable, StagingWriter } from '../staging/staging-writer.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { CleanseCheckpoint } from './cleanse-checkpoint.ts';
import { QuarantineBuffer } from './quarantine-buffer.ts';
import { cleanseRows, sourceRefFor, type CleansedChunk } from './cleanse-rows.ts';
import { loadReferences } from './references.ts';

export const CLEANSE_STEP = 'cleanse';
export const REF_COLUMN = 'dataops_ref';
export const FLAGS_COLUMN = 'dataops_flags';
/** Under latest-wins a kept row may be superseded later; a row a normaliser changed keeps its source values here for the quarantine. */
export const ORIGINAL_COLUMN = 'dataops_original';
/** Staging's own columns, dropped or kept at publish but never source data. */
export const BOOKKEEPING_COLUMNS: readonly string[] = [REF_COLUMN, FLAGS_COLUMN, ORIGINAL_COLUMN];

export interface StageCleanseInput {
  runId: string;
  spec: CleanseJobSpec;
}

/** Compiles the rules against the source's columns; every problem is reported before a row is written. */
export function compileCleansePlan(spec: CleanseJobSpec, columns: readonly string[], tables: CompileContext['tables']): RulePlan {
  try {
    return compilePlan(columns, spec.rules as TableRuleSpec, { tables, today: spec.today });
  } catch (error) {
    if (error instanceof RulePlanError) throw new BadInputError(`${error.message}\n  (source columns: ${columns.join(', ')})`);
    throw error;
  }
}

/** Only latest-wins de-duplication takes rows back out of staging after they were written. */
function keepsOriginals(spec: CleanseJobSpec): boolean {
  return spec.rules.dedup?.survivorship === 'latest';
}

/** Columns a normaliser may rewrite stay text in the output; the rest keep the source type. */
function outputColumns(spec: CleanseJobSpec, source: ColumnInfo[]): ColumnInfo[] {
  const normalised = new Set(
    Object.entries(spec.rules.columns ?? {})
      .filter(([, r]) => r.normalise?.length)
      .map(([c]) => c),
  );
  return [
    ...source.map((c) => ({ name: c.name, pgType: normalised.has(c.name) ? 'text' : c.pgType })),
    { name: REF_COLUMN, pgType: 'bigint' },
    { name: FLAGS_COLUMN, pgType: 'jsonb' },
    ...(keepsOriginals(spec) ? [{ name: ORIGINAL_COLUMN, pgType: 'jsonb' }] : []),
  ];
}

/**
 * Streams the source through the rule plan in committed batches: clean and flagged rows into a
 * run-scoped staging table (flags as JSON), every rejected record into `dataops.quarantine` with its rule
 * and reason. Rows, quarantine entries, rule counters, the dedup index and the source position commit in
 * one transaction per batch, so a retry resumes exactly after the last commit.
 */
export async function stageCleanse(input: StageCleanseInput): Promise<CleanseStageSummary> {
  return classifyErrors(() => withKeepAlive((beat) => stageCleanseBody(input, beat)));
}

async function stageCleanseBody(input: StageCleanseInput, beat: Beat): Promise<CleanseStageSummary> {
  return (async () => {
    const { runId, spec } = input;
    const ctx = Context.current();
    const attempt = ctx.info.attempt;
    const log = activityLogger({ runId, step: CLEANSE_STEP });
    const config = activityConfig();
    const staging = stagingTableName(runId, CLEANSE_STEP);
    const tables = await loadReferences(config, spec.references);
    const client = new pg.Client({ connectionString: config.databaseUrl, application_name: 'dataops-cleanse' });
    await client.connect();
    try {
      await client.query('SET synchronous_commit = off');
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${STAGING_SCHEMA}`);
      let existing = await takeOverCheckpoint<CleanseCheckpoint>(client, runId, CLEANSE_STEP, attempt);
      if (existing && existing.status !== 'staging') return summary(existing.state, attempt, existing.state.rows);
      const source = await openSourceReader(config, spec.source, existing?.state.position ?? undefined);
      const { reader } = source;
      // A superseded row is read back from staging as text for the quarantine: make it print as the source did.
      await client.query(VALUE_TEXT_SETTINGS);
      if (source.timeZone) await client.query("SELECT set_config('TimeZone', $1, false)", [source.timeZone]);
      let writer: StagingWriter | undefined;
      try {
        const names = reader.columns.map((c) => c.name);
        const reserved = names.filter((n) => BOOKKEEPING_COLUMNS.includes(n));
        if (reserved.length)
          throw new BadInputError(
            `source column(s) ${reserved.join(', ')} use a name cleansing reserves for its own bookkeeping; alias them in a query source`,
          );
        const plan = compileCleansePlan(spec, names, tables);
        for (const key of spec.key ?? []) if (!names.includes(key)) throw new BadInputError(`key column "${key}" is not in the source (${names.join(', ')})`);
        if (existing && !source.resumable) {
          // No key to resume after (the reader starts from the beginning): forget this run's partial work.
          log.warn('source cannot resume from its checkpoint; starting over');
          await client.query('BEGIN');
          await client.query('DELETE FROM dataops.quarantine WHERE run_id = $1 AND step = $2', [runId, CLEANSE_STEP]);
          await client.query('DELETE FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [runId, CLEANSE_STEP]);
          await client.query('COMMIT');
          existing = undefined;
        }
        let checkpoint: CleanseCheckpoint = existing?.state ?? {
          position: null,
          rows: 0,
          clean: 0,
          flagged: 0,
          rejected: 0,
          fixes: 0,
          bytes: 0,
          batches: 0,
          nextRef: 0,
          columns: outputColumns(spec, reader.columns),
          counters: plan.newCounters().toJSON(),
          tracker: plan.dedup ? plan.newTracker().toJSON() : null,
          stagingTable: staging,
          timeZone: source.timeZone,
        };
        if (!existing) {
          await client.query('BEGIN');
          await createStagingTable(client, staging, checkpoint.columns);
          await writeCheckpoint(client, runId, CLEANSE_STEP, 'staging', checkpoint, attempt);
          await client.query('COMMIT');
        } else {
          log.info({ rows: checkpoint.rows, position: checkpoint.position }, 'resuming from checkpoint');
        }
        const resumedFromRow = checkpoint.rows;
        const counters = RuleCounters.fromJSON(plan.slots, checkpoint.counters);
        const tracker = checkpoint.tracker ? DuplicateTracker.fromJSON(checkpoint.tracker, names) : undefined;
        const state = { counters, tracker };
        writer = new StagingWriter(client, staging, checkpoint.columns, 'FORMAT text');
        const stagingWriter = writer;
        const dedupSlot = plan.slots.findIndex((slot) => slot.kind === 'dedup');
        const quarantine = new QuarantineBuffer(runId, CLEANSE_STEP, names);
        const progress = new ProgressReporter(CLEANSE_STEP);
        const sourceRef = sourceRefFor(names, spec.key?.length ? spec.key : reader.key ? [reader.key] : []);
        let batch = { rows: 0, clean: 0, flagged: 0, fixes: 0, bytes: 0 };
        let retracted: number[] = [];
        let position: SourcePosition | null = checkpoint.position;
        const refs = { next: checkpoint.nextRef };
        const keepOriginals = checkpoint.columns.some((c) => c.name === ORIGINAL_COLUMN);

        const commitBatch = async () => {
          await stagingWriter.commit(async () => {
            let retractedClean = 0;
            let retractedFlagged = 0;
            if (retracted.length) {
              // A later row won under `latest` survivorship: the earlier one leaves the output for quarantine.
              const own = checkpoint.columns.some((c) => c.name === ORIGINAL_COLUMN) ? [ORIGINAL_COLUMN] : [];
              const returning = [...names, REF_COLUMN, FLAGS_COLUMN, ...own].map((n) => `${quoteIdent(n)}::text AS ${quoteIdent(n)}`).join(', ');
              const gone = await client.query(`DELETE FROM ${quoteTable(staging)} WHERE ${REF_COLUMN} = ANY($1::bigint[]) RETURNING ${returning}`, [retracted]);
              for (const row of gone.rows as Record<string, string | null>[]) {
                // The quarantine holds the record as the source had it, before any normaliser.
                const original = row[ORIGINAL_COLUMN];
                const values = original ? (JSON.parse(original) as (string | null)[]) : names.map((n) => row[n] ?? null);
                quarantine.add(
                  sourceRef(values, Number(row[REF_COLUMN])),
                  'deep.duplicate',
                  (spec.rules.dedup?.key ?? []).join(','),
                  { zh: '重复记录（已被更新的记录取代）', en: 'duplicate record, superseded by a later one' },
                  values,
                );
                quarantine.countRecord();
                if (row[FLAGS_COLUMN]) retractedFlagged++;
                else retractedClean++;
              }
            }
            const rejected = await quarantine.flush(client);
            checkpoint = {
              ...checkpoint,
              position,
              nextRef: refs.next,
              rows: checkpoint.rows + batch.rows,
              clean: checkpoint.clean + batch.clean - retractedClean,
              flagged: checkpoint.flagged + batch.flagged - retractedFlagged,
              rejected: checkpoint.rejected + rejected,
              fixes: checkpoint.fixes + batch.fixes,
              bytes: checkpoint.bytes + batch.bytes,
              batches: checkpoint.batches + 1,
              counters: counters.toJSON(),
              tracker: tracker ? tracker.toJSON() : null,
            };
            await writeCheckpoint(client, runId, CLEANSE_STEP, 'staging', checkpoint, attempt);
          });
          batch = { rows: 0, clean: 0, flagged: 0, fixes: 0, bytes: 0 };
          retracted = [];
          beat({ rows: checkpoint.rows, batches: checkpoint.batches, position });
        };

        /** Takes one cleansed chunk into the open batch, committing the batch when it is full. */
        const absorb = async (chunk: CleansedChunk) => {
          for (const record of chunk.rejected) {
            for (const f of record.findings) quarantine.add(record.sourceRef, f.ruleId, f.column, f.reason, record.values);
            quarantine.countRecord();
          }
          for (const ref of chunk.replaces) {
            retracted.push(ref);
            // Under latest-wins a kept row can later be superseded: it then no longer counts as kept.
            if (dedupSlot >= 0) counters.passed[dedupSlot] = counters.passed[dedupSlot]! - 1;
          }
          if (chunk.out.length) await stagingWriter.write(chunk.out);
          batch.rows += chunk.rows;
          batch.clean += chunk.clean;
          batch.flagged += chunk.flagged;
          batch.fixes += chunk.fixes;
          batch.bytes += chunk.bytes;
          position = chunk.end;
          if (batch.rows >= spec.options.batchRows) await commitBatch();
          else beat({ rows: checkpoint.rows, batches: checkpoint.batches, position: checkpoint.position });
          progress.report({
            rows: checkpoint.rows + batch.rows,
            bytes: checkpoint.bytes + batch.bytes,
            totalBytes: reader.totalBytes,
            batches: checkpoint.batches,
          });
        };
        const cancelled = () => {
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure('cleansing cancelled');
        };

        for await (const chunk of reader.chunks()) {
          cancelled();
          const result = cleanseRows(plan, state, chunk.rows, chunk.lines, refs, sourceRef, keepOriginals);
          await absorb({ ...result, out: Buffer.from(result.out, 'utf8'), rows: chunk.rows.length, bytes: chunk.bytes, end: chunk.end });
        }
        await commitBatch();
        checkpoint = { ...checkpoint, stagedAttempt: attempt };
        await writeCheckpoint(client, runId, CLEANSE_STEP, 'staged', checkpoint, attempt);
        log.info(
          { rows: checkpoint.rows, clean: checkpoint.clean, flagged: checkpoint.flagged, rejected: checkpoint.rejected, resumedFromRow },
          'cleansed into staging',
        );
        return summary(checkpoint, attempt, resumedFromRow);
      } catch (error) {
        // Fails an open COPY first: a ROLLBACK queued behind it would wait forever.
        if (writer) await writer.abort();
        else await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await source.close();
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
}

function summary(c: CleanseCheckpoint, attempt: number, resumedFromRow: number): CleanseStageSummary {
  return {
    rows: c.rows,
    clean: c.clean,
    flagged: c.flagged,
    rejected: c.rejected,
    fixes: c.fixes,
    bytes: c.bytes,
    batches: c.batches,
    attempt,
    resumedFromRow,
    stagingTable: c.stagingTable,
  };
}
