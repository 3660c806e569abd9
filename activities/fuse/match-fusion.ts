import type pg from 'pg';
import type { Knex } from 'knex';
import { Context } from '@temporalio/activity';
import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { copyOut } from '../../connectors/postgres/copy-out.ts';
import { forEachCopyRow, parseCopyText } from '../../connectors/postgres/copy-text.ts';
import type { Field } from '../../connectors/source-chunk.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { fusionDecisions, fusionJob, fusionMembership } from '../../catalogue/fusion.ts';
import { addressKey } from '../../governance/fuse/address-key.ts';
import { deriveFeatures } from '../../governance/fuse/features.ts';
import { matchEntities, type MatchOutcome } from '../../governance/fuse/fuse.ts';
import { addRecord, emptyRecords, recordRef, type MatchRecords } from '../../governance/fuse/match-records.ts';
import { recordIndicators } from '../../catalogue/indicators.ts';
import { recordRunCounts } from '../../catalogue/runs.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import { STAGING_SCHEMA } from '../staging/staging-table.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { takeOverCheckpoint, writeCheckpoint, type CheckpointRow } from '../staging/checkpoint.ts';
import { withKeepAlive, type Beat } from '../staging/keep-alive.ts';
import { fuseFields, MATCH_STEP, RECORD_COLUMNS, sourceStep } from './fuse-fields.ts';
import { fuseOptions } from './fuse-options.ts';
import { decisionsFrom } from './fusion-decisions.ts';
import { PublishedByAnotherAttempt, publishMatch, type PublishedCounts } from './publish-match.ts';
import { historyTable } from './golden-tables.ts';
import { fusionIndicators } from './fusion-indicators.ts';
import { nameTools } from './name-tools.ts';
import type { FuseSourceSummary } from './stage-fuse-source.ts';

export interface MatchFusionInput {
  runId: string;
  spec: FuseJobSpec;
  staged: FuseSourceSummary[];
  /** When the workflow started (ms since the epoch): the step's duration in the metrics. */
  startedAt: number;
}

export interface FuseMatchSummary extends Omit<PublishedCounts, 'ended' | 'phasesMs'> {
  records: number;
  entities: number;
  comparisons: number;
  refused: number;
  nextSeq: number;
  /** The job's last published run this match started from (null: the first run). */
  basedOn: string | null;
  /** The golden records are built while publishing (see the publish summary's phases). */
  timings: MatchOutcome['timings'] & { loadMs: number; featuresMs: number; publishMs: number };
}

export interface FusePublishSummary {
  table: string;
  history: string;
  entities: number;
  written: number;
  ended: number;
  durationMs: number;
  /** Milliseconds per part of publishing. */
  phasesMs: Record<string, number>;
}

export interface MatchFusionOutcome {
  match: FuseMatchSummary;
  publish: FusePublishSummary;
}

interface MatchState {
  outcome: MatchFusionOutcome;
}

/**
 * Loads every source's staged records, blocks and compares them, clusters them into entities that keep
 * last run's ids, builds golden records with lineage and conflicts, and publishes what changed (golden
 * versions with their history, membership, links, events, reviews) in one transaction with the step's
 * checkpoint and metrics. A retry after the commit returns the outcome without matching again; a crash
 * before it leaves nothing published, and the retry matches afresh.
 */
export async function matchFusion(input: MatchFusionInput): Promise<MatchFusionOutcome> {
  return classifyErrors(() => withKeepAlive((beat) => match(input, beat)));
}

async function match({ runId, spec, staged, startedAt }: MatchFusionInput, beat: Beat): Promise<MatchFusionOutcome> {
  const attempt = Context.current().info.attempt;
  const log = activityLogger({ runId, step: MATCH_STEP });
  const client = await connectPostgres(activityConfig().databaseUrl, { application: 'dataops-fuse', label: 'the centre database' });
  const db = activityDb();
  try {
    const committed = await takeOverCheckpoint<MatchState>(client, runId, MATCH_STEP, attempt);
    if (committed?.status === 'published') {
      await dropSourceStaging(db, runId, staged);
      return committed.state.outcome;
    }
    const t0 = performance.now();
    const fields = fuseFields(spec);
    const records = emptyRecords(
      fields,
      spec.sources.map((s) => s.name),
    );
    for (const [index, source] of staged.entries()) {
      beat({ step: MATCH_STEP, phase: `loading ${source.source}`, records: records.size });
      await loadStaged(client, source.stagingTable, index, records);
    }
    const [job, membership, decisionRows] = await Promise.all([fusionJob(db, spec.job), fusionMembership(db, spec.job), fusionDecisions(db, spec.job)]);
    const digests = await currentDigests(client, spec.target.table, job !== undefined);
    const entityOf = new Array<string | null>(records.size);
    for (let r = 0; r < records.size; r++) entityOf[r] = membership.get(recordRef(records, r))?.[0] ?? null;
    const t1 = performance.now();
    beat({ step: MATCH_STEP, phase: 'matching', records: records.size });
    const tools = await nameTools();
    const features = deriveFeatures(spec.entity, records, tools, addressKey);
    const t2 = performance.now();
    const decisions = decisionsFrom(decisionRows);
    const options = fuseOptions(spec);
    const previous = { entityOf, digests, nextSeq: job?.next_seq ?? 1 };
    const outcome = matchEntities(records, features, options, previous, decisions);
    beat({ step: MATCH_STEP, phase: 'publishing', records: records.size });
    const t3 = performance.now();
    const target = spec.target.table;
    const done = await publishOnce(client, runId, () =>
      db.transaction(
        async (trx) => {
          const counts = await publishMatch(client, trx, { runId, spec, records, outcome, options, previous, decisions, job, membership, beat });
          const { ended, phasesMs, ...written } = counts;
          const summary: FuseMatchSummary = {
            ...written,
            records: records.size,
            entities: outcome.entities.length,
            comparisons: outcome.comparisons,
            refused: outcome.refused,
            nextSeq: outcome.nextSeq,
            basedOn: job?.last_run_id ?? null,
            timings: { ...outcome.timings, loadMs: t1 - t0, featuresMs: t2 - t1, publishMs: performance.now() - t3 },
          };
          await recordFusion(trx, runId, spec, summary, Date.now() - startedAt);
          const publish: FusePublishSummary = {
            table: target,
            history: historyTable(target),
            entities: summary.entities,
            written: summary.new + summary.changed,
            ended,
            durationMs: Math.round(summary.timings.publishMs),
            phasesMs,
          };
          const published: MatchFusionOutcome = { match: summary, publish };
          await writeCheckpoint<MatchState>(client, runId, MATCH_STEP, 'published', { outcome: published }, attempt);
          return published;
        },
        { connection: client },
      ),
    );
    await dropSourceStaging(db, runId, staged);
    log.info(
      {
        records: done.match.records,
        entities: done.match.entities,
        new: done.match.new,
        changed: done.match.changed,
        reviews: done.match.reviews,
      },
      'matched and published',
    );
    return done;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs the publishing transaction; when another attempt of this run (one that outlived its timeout)
 * published first, returns that attempt's outcome instead: the run is published, once.
 */
async function publishOnce(client: pg.Client, runId: string, publish: () => Promise<MatchFusionOutcome>): Promise<MatchFusionOutcome> {
  try {
    return await publish();
  } catch (error) {
    if (!(error instanceof PublishedByAnotherAttempt)) throw error;
    const row = await client.query<CheckpointRow<MatchState>>(`SELECT status, state FROM dataops.checkpoints WHERE run_id = $1 AND step = $2`, [
      runId,
      MATCH_STEP,
    ]);
    if (row.rows[0]?.status !== 'published') throw error;
    return row.rows[0].state.outcome;
  }
}

/** The job's bookkeeping row, the step's metrics and indicators, and the run's counts, in the publishing transaction. */
async function recordFusion(trx: Knex.Transaction, runId: string, spec: FuseJobSpec, summary: FuseMatchSummary, durationMs: number): Promise<void> {
  const fields = fuseFields(spec);
  await trx('dataops.fusion_jobs')
    .where({ job: spec.job })
    .update({
      next_seq: summary.nextSeq,
      last_run_id: runId,
      entity: spec.entity,
      target_table: spec.target.table,
      fields: JSON.stringify(Object.fromEntries(fields.map((f) => [f.name, f.kind]))),
      updated_at: trx.fn.now(),
    });
  await recordStepMetrics(trx, {
    run_id: runId,
    step: 'fuse',
    attempt: 1,
    records_in: summary.records,
    records_out: summary.entities,
    records_rejected: 0,
    bytes: 0,
    duration_ms: durationMs,
  });
  await recordIndicators(trx, runId, 'fuse', spec.target.table, fusionIndicators(summary));
  await recordRunCounts(trx, runId, { records_in: summary.records, records_out: summary.entities, records_rejected: 0, accuracy: null });
}

/** The run's normalised sources go once published; their checkpoints say so. */
async function dropSourceStaging(db: Knex, runId: string, staged: readonly FuseSourceSummary[]): Promise<void> {
  for (const { stagingTable } of staged) {
    if (stagingTable.startsWith(`${STAGING_SCHEMA}.`)) await db.raw(`DROP TABLE IF EXISTS ${quoteTable(stagingTable)}`);
  }
  await db('dataops.checkpoints')
    .where({ run_id: runId })
    .whereIn(
      'step',
      staged.map((s) => sourceStep(s.source)),
    )
    .whereNot({ status: 'published' })
    .update({ status: 'published', updated_at: db.fn.now() });
}

async function loadStaged(client: pg.Client, table: string, source: number, records: MatchRecords): Promise<void> {
  const columns = [...RECORD_COLUMNS.filter((c) => c !== 'repairs'), ...records.fields.map((f) => f.name)];
  // Ordered by record id, so the same data always gives the same clusters and new ids.
  const sql = `SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteTable(table)} ORDER BY record_id`;
  const row: Field[] = [];
  await copyOut(client, sql, async (buffer) => {
    forEachCopyRow(buffer.toString('utf8'), row, () => addRecord(records, source, row[0]!, row[1] ?? null, row[2]!, row, 3));
  });
}

/** The golden digests of the current entities (none before the first publish). */
async function currentDigests(client: pg.Client, target: string, published: boolean): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  if (!published) return digests;
  const exists = await client.query('SELECT to_regclass($1) AS t', [quoteTable(target)]);
  if (!exists.rows[0].t) return digests;
  await copyOut(client, `SELECT entity_id, digest FROM ${quoteTable(target)}`, async (buffer) => {
    for (const [id, digest] of parseCopyText(buffer.toString('utf8'))) digests.set(id!, digest!);
  });
  return digests;
}
