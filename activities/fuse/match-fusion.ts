import type pg from 'pg';
import { Context } from '@temporalio/activity';
import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { copyOut } from '../../connectors/postgres/copy-out.ts';
import { parseCopyText } from '../../connectors/postgres/copy-text.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { fusionDecisions, fusionJob, fusionMembership } from '../../catalogue/fusion.ts';
import { addressKey } from '../../governance/fuse/address-key.ts';
import { deriveFeatures } from '../../governance/fuse/features.ts';
import { fuseRecords, valuesSignature, type FuseResult } from '../../governance/fuse/fuse.ts';
import { addRecord, emptyRecords, recordRef, type MatchRecords } from '../../governance/fuse/match-records.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { takeOverCheckpoint, writeCheckpoint } from '../staging/checkpoint.ts';
import { withKeepAlive, type Beat } from '../staging/keep-alive.ts';
import { fuseFields, RECORD_COLUMNS } from './fuse-fields.ts';
import { fuseOptions } from './fuse-options.ts';
import { decisionsFrom } from './fusion-decisions.ts';
import { MATCH_STEP, OUTPUT_TABLES, OutputWriter, outputTable, textArray, type OutputKind } from './fusion-staging.ts';
import { nameTools } from './name-tools.ts';
import type { FuseSourceSummary } from './stage-fuse-source.ts';

export interface MatchFusionInput {
  runId: string;
  spec: FuseJobSpec;
  staged: FuseSourceSummary[];
}

export interface FuseMatchSummary {
  records: number;
  entities: number;
  new: number;
  changed: number;
  unchanged: number;
  merged: number;
  split: number;
  retired: number;
  /** Entities with a field in conflict. */
  conflicting: number;
  /** Records of an entity that has records from another source too, per source. */
  perSource: { source: string; records: number; matched: number }[];
  /** Entities holding records of two or more sources. */
  multiSource: number;
  deletedRecords: number;
  comparisons: number;
  links: number;
  reviews: number;
  refused: number;
  nextSeq: number;
  /** The job's last published run this match started from (null: the first run): publishing checks it is still the last. */
  basedOn: string | null;
  timings: FuseResult['timings'] & { loadMs: number; featuresMs: number; writeMs: number };
  tables: Record<OutputKind, string>;
  /** Rows staged in each output table. */
  staged: Record<OutputKind, number>;
}

interface MatchState {
  summary: FuseMatchSummary;
  stagingTable: string;
  /** Every output table, for the abandon step to drop when the run never publishes. */
  stagingTables: string[];
}

/**
 * Loads every source's staged records, blocks and compares them, clusters them into entities that keep
 * last run's ids, builds golden records with lineage and conflicts, and stages what changed (golden
 * versions, membership, links, events, reviews) for the publish step. The output and its checkpoint
 * commit in one transaction: a retry after that returns the summary without matching again.
 */
export async function matchFusion(input: MatchFusionInput): Promise<FuseMatchSummary> {
  return classifyErrors(() => withKeepAlive((beat) => match(input, beat)));
}

async function match({ runId, spec, staged }: MatchFusionInput, beat: Beat): Promise<FuseMatchSummary> {
  const attempt = Context.current().info.attempt;
  const log = activityLogger({ runId, step: MATCH_STEP });
  const client = await connectPostgres(activityConfig().databaseUrl, { application: 'dataops-fuse', label: 'the centre database' });
  try {
    const committed = await takeOverCheckpoint<MatchState>(client, runId, MATCH_STEP, attempt);
    if (committed && committed.status !== 'staging') return committed.state.summary;
    const t0 = performance.now();
    const fields = fuseFields(spec);
    const records = emptyRecords(
      fields,
      spec.sources.map((s) => s.name),
    );
    for (const [index, source] of staged.entries()) {
      beat({ step: MATCH_STEP, phase: `loading ${source.source}`, records: records.size });
      await loadStaged(client, source.stagingTable, index, records, fields.length);
    }
    const db = activityDb();
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
    const result = fuseRecords(records, features, fuseOptions(spec), { entityOf, digests, nextSeq: job?.next_seq ?? 1 }, decisions);
    beat({ step: MATCH_STEP, phase: 'staging results', records: records.size });
    const t3 = performance.now();
    await client.query('BEGIN');
    const { counts, tables, staged: stagedRows } = await stageOutput(client, runId, records, result, membership);
    const t4 = performance.now();
    const summary: FuseMatchSummary = {
      ...counts,
      records: records.size,
      entities: result.golden.length,
      comparisons: result.comparisons,
      refused: result.refused,
      nextSeq: result.nextSeq,
      basedOn: job?.last_run_id ?? null,
      timings: { ...result.timings, loadMs: t1 - t0, featuresMs: t2 - t1, writeMs: t4 - t3 },
      tables,
      staged: stagedRows,
    };
    await writeCheckpoint<MatchState>(
      client,
      runId,
      MATCH_STEP,
      'staged',
      { summary, stagingTable: tables.golden, stagingTables: Object.values(tables) },
      attempt,
    );
    await client.query('COMMIT');
    log.info({ records: summary.records, entities: summary.entities, new: summary.new, changed: summary.changed, reviews: summary.reviews }, 'matched');
    return summary;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function loadStaged(client: pg.Client, table: string, source: number, records: MatchRecords, fieldCount: number): Promise<void> {
  const columns = [...RECORD_COLUMNS.filter((c) => c !== 'repairs'), ...records.fields.map((f) => f.name)];
  // Ordered by record id, so the same data always gives the same clusters and new ids.
  const sql = `SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteTable(table)} ORDER BY record_id`;
  await copyOut(client, sql, async (buffer) => {
    for (const row of parseCopyText(buffer.toString('utf8'))) {
      addRecord(records, source, row[0]!, row[1] ?? null, row[2]!, row.slice(3, 3 + fieldCount));
    }
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

type Counts = Omit<FuseMatchSummary, 'records' | 'entities' | 'comparisons' | 'refused' | 'nextSeq' | 'basedOn' | 'timings' | 'tables' | 'staged'>;

async function stageOutput(
  client: pg.Client,
  runId: string,
  records: MatchRecords,
  result: FuseResult,
  membership: ReadonlyMap<string, [string, string]>,
): Promise<{ counts: Counts; tables: Record<OutputKind, string>; staged: Record<OutputKind, number> }> {
  const fields = records.fields;
  const tables = Object.fromEntries((Object.keys(OUTPUT_TABLES) as OutputKind[]).map((k) => [k, outputTable(runId, k)])) as Record<OutputKind, string>;
  const open = (kind: OutputKind, extra: readonly string[] = []) => new OutputWriter(tables[kind], [...OUTPUT_TABLES[kind], ...extra]);
  const golden = open(
    'golden',
    fields.map((f) => f.name),
  );
  const members = open('members');
  const links = open('links');
  const reviews = open('reviews');
  const events = open('events');
  const ended = open('ended');
  const entityOfRecord = new Array<string>(records.size);
  const perSource = records.sources.map((source) => ({ source, records: 0, matched: 0 }));
  let conflicting = 0;
  let multiSource = 0;
  let changed = 0;
  let created = 0;
  for (const g of result.golden) {
    const sources = [...new Set(g.members.map((m) => records.source[m]!))].sort((a, b) => a - b);
    for (const m of g.members) {
      entityOfRecord[m] = g.entityId;
      perSource[records.source[m]!]!.records++;
      if (sources.length > 1) perSource[records.source[m]!]!.matched++;
    }
    if (sources.length > 1) multiSource++;
    const conflicts = g.fields.flatMap((f, k) => (f.conflict ? [fields[k]!.name] : []));
    if (conflicts.length) conflicting++;
    for (const [k, f] of g.fields.entries()) {
      if (!f.conflict) continue;
      reviews.write([
        'conflict',
        g.entityId,
        null,
        fields[k]!.name,
        null,
        null,
        null,
        JSON.stringify({ picked: f.value, from: f.ref, rule: f.rule, disagreement: f.disagreement, values: f.values, signature: valuesSignature(f.values) }),
      ]);
    }
    if (g.status === 'unchanged') continue;
    if (g.status === 'changed') {
      changed++;
      ended.write([g.entityId]);
    } else created++;
    const lineage: Record<string, unknown> = {};
    g.fields.forEach((f, k) => {
      if (f.value === null && f.rule !== 'review') return;
      lineage[fields[k]!.name] = {
        ref: f.ref,
        rule: f.rule,
        ...(f.distinct > 1 ? { distinct: f.distinct, disagreement: round(f.disagreement) } : {}),
        ...(f.conflict ? { conflict: true } : {}),
      };
    });
    golden.write([
      g.entityId,
      g.status,
      g.digest,
      String(g.members.length),
      textArray(sources.map((s) => records.sources[s]!)),
      textArray(conflicts),
      JSON.stringify(lineage),
      ...g.fields.map((f) => f.value),
    ]);
  }
  const touched = new Set(result.golden.filter((g) => g.status !== 'unchanged').map((g) => g.entityId));
  const { links: pairs } = result;
  for (let e = 0; e < pairs.length; e++) {
    const i = pairs.i[e]!;
    const entityId = entityOfRecord[i]!;
    if (!touched.has(entityId)) continue;
    const j = pairs.j[e]!;
    const reviewer = !Number.isFinite(pairs.score[e]!);
    links.write([
      entityId,
      recordRef(records, i),
      recordRef(records, j),
      reviewer ? '0' : String(pairs.score[e]),
      JSON.stringify(reviewer ? { reviewer: ['accepted', 0] } : result.explain(i, j)),
    ]);
  }
  let reviewCount = 0;
  for (const r of result.reviews) {
    const left = recordRef(records, r.i);
    const right = recordRef(records, r.j);
    const [a, b] = [entityOfRecord[r.i]!, entityOfRecord[r.j]!].sort();
    reviews.write(['match', a!, b!, null, left, right, String(r.score), JSON.stringify({ explanation: result.explain(r.i, r.j) })]);
    reviewCount++;
  }
  let merged = 0;
  let split = 0;
  let retired = 0;
  for (const e of result.events) {
    const { event, entityId, ...detail } = e;
    events.write([event, entityId, Object.keys(detail).length ? JSON.stringify(detail) : null]);
    if (e.event === 'merge') {
      merged++;
      for (const absorbed of e.absorbed) ended.write([absorbed]);
    }
    if (e.event === 'split') split++;
    if (e.event === 'retire') {
      retired++;
      ended.write([entityId]);
    }
  }
  // Membership: only what moved, changed or is new; records gone from their source leave (entity null).
  // A first run (no membership yet) writes every record without building a ref per record.
  const seen = new Set<string>();
  for (let r = 0; r < records.size; r++) {
    if (membership.size) {
      const ref = recordRef(records, r);
      seen.add(ref);
      const before = membership.get(ref);
      if (before && before[0] === entityOfRecord[r] && before[1] === records.digest[r]) continue;
    }
    members.write([records.sources[records.source[r]!]!, records.recordId[r]!, entityOfRecord[r]!, records.digest[r]!]);
  }
  let deletedRecords = 0;
  for (const ref of membership.keys()) {
    if (seen.has(ref)) continue;
    const colon = ref.indexOf(':');
    members.write([ref.slice(0, colon), ref.slice(colon + 1), null, null]);
    deletedRecords++;
  }
  const writers = { golden, members, links, reviews, events, ended };
  for (const w of Object.values(writers)) await w.finish(client);
  const staged = Object.fromEntries(Object.entries(writers).map(([kind, w]) => [kind, w.rows])) as Record<OutputKind, number>;
  const conflictReviews = result.golden.reduce((n, g) => n + g.fields.filter((f) => f.conflict).length, 0);
  return {
    counts: {
      new: created,
      changed,
      unchanged: result.golden.length - created - changed,
      merged,
      split,
      retired,
      conflicting,
      perSource,
      multiSource,
      deletedRecords,
      links: result.links.length,
      reviews: reviewCount + conflictReviews,
    },
    tables,
    staged,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
