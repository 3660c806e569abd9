// A match's outcome written straight into the published tables, in the transaction that records the
// run's checkpoint: golden versions and their history, membership, links, events, the review queue.
import type pg from 'pg';
import type { Knex } from 'knex';
import { ApplicationFailure } from '@temporalio/common';
import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import type { FusionJobRow } from '../../catalogue/fusion.ts';
import { CopyRows, CopyTextBuffer } from '../../connectors/postgres/copy-rows.ts';
import { escapeCopyText } from '../../connectors/postgres/copy-text.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import {
  goldenRecord,
  valuesSignature,
  type Decisions,
  type FuseOptions,
  type GoldenRecord,
  type MatchOutcome,
  type PreviousRun,
} from '../../governance/fuse/fuse.ts';
import { recordRef, type MatchRecords } from '../../governance/fuse/match-records.ts';
import type { Beat } from '../staging/keep-alive.ts';
import { ensureGoldenTables, historyTable } from './golden-tables.ts';

export const GOLDEN_META = ['record_count', 'sources', 'conflicts', 'lineage', 'digest', 'run_id', 'valid_from'] as const;

export interface PublishedCounts {
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
  links: number;
  reviews: number;
  /** Current versions ended (changed, merged away, retired). */
  ended: number;
  /** Milliseconds per part of publishing: prepare, golden records (built while the membership is stored), members (and links on a first run), ending, golden, history, links, events, reviews. */
  phasesMs: Record<string, number>;
}

export interface PublishMatchInput {
  runId: string;
  spec: FuseJobSpec;
  records: MatchRecords;
  outcome: MatchOutcome;
  options: FuseOptions;
  previous: Pick<PreviousRun, 'digests'>;
  decisions: Pick<Decisions, 'fields'>;
  /** The job's row as matching found it (undefined: its first run). */
  job: FusionJobRow | undefined;
  /** Last run's membership: `source:record` → [entity, digest]. */
  membership: ReadonlyMap<string, [string, string]>;
  beat: Beat;
}

/**
 * Writes what changed. Refuses (ConcurrentRun) when another run of the job published since this one
 * matched: its diff is against an older state. Everything streams by COPY while it is produced, and the
 * database stores membership (and, on a first run, the links) while this process builds the golden
 * records; the few joins (ended versions, replaced links and memberships) go through temporary tables.
 */
export async function publishMatch(client: pg.Client, trx: Knex.Transaction, input: PublishMatchInput): Promise<PublishedCounts> {
  const { runId, spec, records, outcome, job, membership, beat } = input;
  const phasesMs: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phasesMs[name] = Math.round(now - mark);
    mark = now;
  };
  await client.query("SET LOCAL lock_timeout = '60s'");
  await lockJob(client, spec, runId, job?.last_run_id ?? null);
  const fields = records.fields;
  const target = spec.target.table;
  const history = historyTable(target);
  await ensureGoldenTables(trx, target, fields);
  const at = ((await client.query('SELECT now() AS now')).rows[0].now as Date).toISOString();
  const firstRun = job === undefined;
  const entityOf = new Array<string>(records.size);
  for (const e of outcome.entities) for (const m of e.members) entityOf[m] = e.entityId;
  phase('prepare');

  beat({ step: 'fuse_match', phase: 'publishing membership and building golden records' });
  // The connection is the background's until it settles: nothing else is sent on it meanwhile. If
  // either side fails, the other stops: the background's COPY is abandoned (CopyFail) before the
  // transaction rolls back, so nothing queued behind it runs outside the transaction.
  const running: Background = { aborted: false };
  const background = (async () => {
    const left = await writeMembers(client, spec.job, runId, records, entityOf, membership, firstRun, running);
    if (firstRun && !running.aborted) {
      await client.query('DELETE FROM dataops.fusion_links WHERE job = $1', [spec.job]);
      await writeLinks(client, spec.job, runId, records, outcome, entityOf, null, running);
    }
    return left;
  })();
  background.catch((error: unknown) => {
    running.failed ??= error instanceof Error ? error : new Error(String(error));
  });
  let golden: BuiltGolden;
  try {
    golden = await buildGolden(input, runId, at, running);
  } catch (error) {
    running.aborted = true;
    running.copy?.abort('the golden records failed');
    await background.catch(() => undefined);
    throw error;
  }
  phase('golden records');
  const counts = golden.counts;
  counts.deletedRecords = await background;
  phase(firstRun ? 'members and links' : 'members');

  const endedIds = new Set(golden.changed);
  for (const e of outcome.events) {
    if (e.event === 'merge') for (const absorbed of e.absorbed) endedIds.add(absorbed);
    if (e.event === 'retire') endedIds.add(e.entityId);
  }
  if (endedIds.size) {
    await tempTable(
      client,
      'fuse_ended',
      ['entity_id'],
      [...endedIds].map((id) => [id]),
    );
    counts.ended =
      (
        await client.query(
          `UPDATE ${quoteTable(history)} h SET valid_to = $1, ended_by = $2 FROM fuse_ended e WHERE h.entity_id = e.entity_id AND h.valid_to IS NULL`,
          [at, runId],
        )
      ).rowCount ?? 0;
    await client.query(`DELETE FROM ${quoteTable(target)} c USING fuse_ended e WHERE c.entity_id = e.entity_id`);
  }
  phase('ending');

  beat({ step: 'fuse_match', phase: 'publishing golden records' });
  const goldenColumns = ['entity_id', ...fields.map((f) => f.name), ...GOLDEN_META];
  await golden.rows.copyInto(client, target, goldenColumns);
  phase('golden');
  if (firstRun) {
    // The current table holds only this run's rows: copied from there, no value or lineage is parsed twice.
    const columns = goldenColumns.map(quoteIdent).join(', ');
    await client.query(`INSERT INTO ${quoteTable(history)} (${columns}) SELECT ${columns} FROM ${quoteTable(target)}`);
  } else await golden.rows.copyInto(client, history, goldenColumns);
  phase('history');

  if (!firstRun) {
    beat({ step: 'fuse_match', phase: 'publishing links' });
    await tempTable(
      client,
      'fuse_touched',
      ['entity_id'],
      [...new Set([...golden.touched, ...endedIds])].map((id) => [id]),
    );
    await client.query('DELETE FROM dataops.fusion_links l WHERE l.job = $1 AND l.entity_id IN (SELECT entity_id FROM fuse_touched)', [spec.job]);
    await writeLinks(client, spec.job, runId, records, outcome, entityOf, golden.touched);
    phase('links');
  }

  const events = CopyRows.open(client, 'dataops.fusion_events', ['job', 'run_id', 'event', 'entity_id', 'detail', 'at']);
  for (const e of outcome.events) {
    const { event, entityId, ...detail } = e;
    if (event === 'merge') counts.merged++;
    if (event === 'split') counts.split++;
    if (event === 'retire') counts.retired++;
    const flushed = events.write([spec.job, runId, event, entityId, Object.keys(detail).length ? JSON.stringify(detail) : null, at]);
    if (flushed) await flushed;
  }
  await events.finish();
  phase('events');
  counts.reviews = await publishReviews(client, spec.job, runId, [...golden.conflicts, ...matchReviews(records, outcome, entityOf)]);
  phase('reviews');
  counts.links = outcome.links.length;
  counts.phasesMs = phasesMs;
  return counts;
}

/** Another attempt of this very run published while this one matched (it outlived its timeout): its outcome stands. */
export class PublishedByAnotherAttempt extends Error {
  override readonly name = 'PublishedByAnotherAttempt';
}

/** One run of a job publishes at a time: its row is the lock, and it must still say the run this match started from. */
async function lockJob(client: pg.Client, spec: FuseJobSpec, runId: string, basedOn: string | null): Promise<void> {
  await client.query(`INSERT INTO dataops.fusion_jobs (job, entity, target_table) VALUES ($1, $2, $3) ON CONFLICT (job) DO UPDATE SET updated_at = now()`, [
    spec.job,
    spec.entity,
    spec.target.table,
  ]);
  const current = await client.query('SELECT last_run_id FROM dataops.fusion_jobs WHERE job = $1 FOR UPDATE', [spec.job]);
  const last = (current.rows[0]?.last_run_id as string | null) ?? null;
  if (last === runId && basedOn !== runId) throw new PublishedByAnotherAttempt(`run ${runId} was published by another attempt`);
  if (last !== basedOn) {
    throw ApplicationFailure.nonRetryable(
      `another run of ${spec.job} (${last}) published after this run matched against ${basedOn ?? 'no earlier run'}: nothing was published; run the job again`,
      'ConcurrentRun',
    );
  }
}

/** A transaction-scoped table of text columns filled by COPY, analysed so joins against it plan well. */
async function tempTable(client: pg.Client, name: string, columns: readonly string[], rows: Iterable<(string | null)[]>, running?: Background): Promise<void> {
  await client.query(`CREATE TEMP TABLE ${quoteIdent(name)} (${columns.map((c) => `${quoteIdent(c)} text`).join(', ')}) ON COMMIT DROP`);
  const copy = track(running, CopyRows.open(client, `pg_temp.${name}`, columns));
  for (const row of rows) {
    const flushed = copy.write(row);
    if (flushed) await flushed;
  }
  await copy.finish();
  await client.query(`ANALYZE ${quoteIdent(name)}`);
}

/** The COPYs that run while golden records are built, and how either side tells the other to stop. */
interface Background {
  aborted: boolean;
  /** The background's COPY in flight. */
  copy?: CopyRows;
  /** Set when the background failed: the golden records stop at their next turn. */
  failed?: Error;
}

/** Registers a background COPY, so a failing foreground can abandon it. */
function track(running: Background | undefined, copy: CopyRows): CopyRows {
  if (running) {
    if (running.aborted) copy.abort('publishing stopped');
    running.copy = copy;
  }
  return copy;
}

/** Entities built between two turns of the event loop, so the COPY running meanwhile keeps its socket full. */
const GOLDEN_SLICE = 2_000;

interface BuiltGolden {
  /** New and changed versions as COPY text, for the current table. */
  rows: CopyTextBuffer;
  counts: PublishedCounts;
  /** Entities whose current version this run replaces. */
  changed: Set<string>;
  /** Entities written (new or changed). */
  touched: Set<string>;
  /** Review rows for the fields in conflict. */
  conflicts: (string | null)[][];
}

/** Every entity's golden record, built and turned into its row at once: no golden record outlives its row. */
async function buildGolden(
  { records, outcome, options, previous, decisions }: PublishMatchInput,
  runId: string,
  at: string,
  background: Background,
): Promise<BuiltGolden> {
  const fields = records.fields;
  const keys = fields.map((f) => `${JSON.stringify(f.name)}:`);
  const perSource = records.sources.map((source) => ({ source, records: 0, matched: 0 }));
  const counts: PublishedCounts = {
    new: 0,
    changed: 0,
    unchanged: 0,
    merged: 0,
    split: 0,
    retired: 0,
    conflicting: 0,
    perSource,
    multiSource: 0,
    deletedRecords: 0,
    links: 0,
    reviews: 0,
    ended: 0,
    phasesMs: {},
  };
  const built: BuiltGolden = { rows: new CopyTextBuffer(), counts, changed: new Set(), touched: new Set(), conflicts: [] };
  const tail = `\t${escapeCopyText(runId)}\t${at}\n`;
  const seen = new Uint8Array(records.sources.length);
  for (let k = 0; k < outcome.entities.length; k++) {
    if (k % GOLDEN_SLICE === GOLDEN_SLICE - 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (background.failed) throw background.failed;
    }
    const g = goldenRecord(records, outcome.entities[k]!, options, previous, decisions);
    seen.fill(0);
    for (const m of g.members) seen[records.source[m]!] = 1;
    const sources = records.sources.filter((_, s) => seen[s]);
    const multi = sources.length > 1;
    for (const m of g.members) {
      const s = perSource[records.source[m]!]!;
      s.records++;
      if (multi) s.matched++;
    }
    if (multi) counts.multiSource++;
    let conflicting = false;
    for (const [f, pick] of g.fields.entries()) {
      if (!pick.conflict) continue;
      conflicting = true;
      const detail = {
        picked: pick.value,
        from: pick.ref,
        rule: pick.rule,
        disagreement: pick.disagreement,
        values: pick.values,
        signature: valuesSignature(pick.values),
      };
      built.conflicts.push(['conflict', g.entityId, null, fields[f]!.name, null, null, null, JSON.stringify(detail)]);
    }
    if (conflicting) counts.conflicting++;
    if (g.status === 'unchanged') {
      counts.unchanged++;
      continue;
    }
    built.touched.add(g.entityId);
    if (g.status === 'changed') {
      counts.changed++;
      built.changed.add(g.entityId);
    } else counts.new++;
    let line = escapeCopyText(g.entityId);
    for (const f of g.fields) line += `\t${escapeCopyText(f.value)}`;
    const conflicts = g.fields.flatMap((f, i) => (f.conflict ? [fields[i]!.name] : []));
    line += `\t${g.members.length}\t{${sources.join(',')}}\t{${conflicts.join(',')}}\t${escapeCopyText(lineage(g, keys))}\t${g.digest}${tail}`;
    built.rows.writeLine(line);
  }
  return built;
}

/** Field → where its value came from: `{"ref": "source:record", "rule": ...}`, with the disagreement when records differ. */
function lineage(g: GoldenRecord, keys: readonly string[]): string {
  let json = '';
  for (let k = 0; k < g.fields.length; k++) {
    const f = g.fields[k]!;
    if (f.value === null && f.rule !== 'review') continue;
    json += `${json ? ',' : ''}${keys[k]}{"ref":${f.ref === null ? 'null' : JSON.stringify(f.ref)},"rule":"${f.rule}"`;
    if (f.distinct > 1) json += `,"distinct":${f.distinct},"disagreement":${Math.round(f.disagreement * 1000) / 1000}`;
    json += f.conflict ? ',"conflict":true}' : '}';
  }
  return `{${json}}`;
}

/**
 * Membership: on a first run every record, straight into the table; later, only what moved, changed or is
 * new, and records gone from their source leave. Returns the records that left.
 */
async function writeMembers(
  client: pg.Client,
  job: string,
  runId: string,
  records: MatchRecords,
  entityOf: readonly string[],
  membership: ReadonlyMap<string, [string, string]>,
  firstRun: boolean,
  running?: Background,
): Promise<number> {
  const sourceText = records.sources.map((s) => escapeCopyText(s));
  if (firstRun || !membership.size) {
    await client.query('DELETE FROM dataops.fusion_members WHERE job = $1', [job]);
    const out = track(running, CopyRows.open(client, 'dataops.fusion_members', ['job', 'run_id', 'source', 'record_id', 'entity_id', 'digest']));
    const head = `${escapeCopyText(job)}\t${escapeCopyText(runId)}\t`;
    for (let r = 0; r < records.size; r++) {
      const flushed = out.writeLine(
        `${head}${sourceText[records.source[r]!]}\t${escapeCopyText(records.recordId[r]!)}\t${entityOf[r]}\t${records.digest[r]}\n`,
      );
      if (flushed) await flushed;
    }
    await out.finish();
    return 0;
  }
  const seen = new Set<string>();
  const moved: (string | null)[][] = [];
  for (let r = 0; r < records.size; r++) {
    const ref = recordRef(records, r);
    seen.add(ref);
    const before = membership.get(ref);
    if (before && before[0] === entityOf[r] && before[1] === records.digest[r]) continue;
    moved.push([records.sources[records.source[r]!]!, records.recordId[r]!, entityOf[r]!, records.digest[r]!]);
  }
  let left = 0;
  for (const ref of membership.keys()) {
    if (seen.has(ref)) continue;
    const colon = ref.indexOf(':');
    moved.push([ref.slice(0, colon), ref.slice(colon + 1), null, null]);
    left++;
  }
  await tempTable(client, 'fuse_members', ['source', 'record_id', 'entity_id', 'digest'], moved, running);
  await client.query('DELETE FROM dataops.fusion_members m USING fuse_members s WHERE m.job = $1 AND m.source = s.source AND m.record_id = s.record_id', [job]);
  await client.query(
    `INSERT INTO dataops.fusion_members (job, source, record_id, entity_id, digest, run_id) SELECT $1, source, record_id, entity_id, digest, $2 FROM fuse_members WHERE entity_id IS NOT NULL`,
    [job, runId],
  );
  return left;
}

/** The pairs holding each written entity together (all of them with `touched` null), with their explanation (one JSON text per distinct level code). */
async function writeLinks(
  client: pg.Client,
  job: string,
  runId: string,
  records: MatchRecords,
  outcome: MatchOutcome,
  entityOf: readonly string[],
  touched: ReadonlySet<string> | null,
  running?: Background,
): Promise<void> {
  const explanations = new Map<number, string>();
  const explanation = (code: number) => {
    let text = explanations.get(code);
    if (text === undefined) {
      text = escapeCopyText(JSON.stringify(outcome.explain(code)));
      explanations.set(code, text);
    }
    return text;
  };
  const reviewer = escapeCopyText(JSON.stringify({ reviewer: ['accepted', 0] }));
  const out = track(running, CopyRows.open(client, 'dataops.fusion_links', ['job', 'run_id', 'entity_id', 'left_ref', 'right_ref', 'score', 'explanation']));
  const head = `${escapeCopyText(job)}\t${escapeCopyText(runId)}\t`;
  const { links } = outcome;
  for (let e = 0; e < links.length; e++) {
    const i = links.i[e]!;
    const entityId = entityOf[i]!;
    if (touched && !touched.has(entityId)) continue;
    const score = links.score[e]!;
    const byReviewer = !Number.isFinite(score);
    const line = `${head}${entityId}\t${escapeCopyText(recordRef(records, i))}\t${escapeCopyText(recordRef(records, links.j[e]!))}\t${byReviewer ? '0' : score}\t${byReviewer ? reviewer : explanation(links.code[e]!)}\n`;
    const flushed = out.writeLine(line);
    if (flushed) await flushed;
  }
  await out.finish();
}

const REVIEW_COLUMNS = ['kind', 'entity_id', 'other_entity_id', 'field', 'left_ref', 'right_ref', 'score', 'detail'] as const;

/** Near-miss or refused pairs between two entities, one question per pair of entities. */
function matchReviews(records: MatchRecords, outcome: MatchOutcome, entityOf: readonly string[]): (string | null)[][] {
  return outcome.reviews.map((r) => {
    const [a, b] = [entityOf[r.i]!, entityOf[r.j]!].sort();
    return ['match', a!, b!, null, recordRef(records, r.i), recordRef(records, r.j), String(r.score), JSON.stringify({ explanation: outcome.explain(r.code) })];
  });
}

/**
 * The review queue after a run: questions it raised again are refreshed in place (the open one of each
 * pair or entity field), new ones added, and pending ones it no longer raises are superseded. Returns
 * the questions raised.
 */
async function publishReviews(client: pg.Client, job: string, runId: string, rows: Iterable<(string | null)[]>): Promise<number> {
  await tempTable(client, 'fuse_reviews', REVIEW_COLUMNS, rows);
  await client.query(
    `UPDATE dataops.fusion_reviews r SET status = 'superseded' WHERE r.job = $1 AND r.status = 'pending' AND NOT EXISTS (
       SELECT 1 FROM fuse_reviews s WHERE s.kind = r.kind AND s.entity_id = r.entity_id AND coalesce(s.other_entity_id, '') = coalesce(r.other_entity_id, '') AND coalesce(s.field, '') = coalesce(r.field, ''))`,
    [job],
  );
  const inserted = await client.query(
    `INSERT INTO dataops.fusion_reviews (job, run_id, kind, entity_id, other_entity_id, field, left_ref, right_ref, score, detail)
     SELECT $1, $2, kind, entity_id, other_entity_id, field, left_ref, right_ref, score::float8, detail::jsonb FROM fuse_reviews
     ON CONFLICT (job, kind, entity_id, coalesce(other_entity_id, ''), coalesce(field, '')) WHERE status = 'pending'
     DO UPDATE SET run_id = EXCLUDED.run_id, left_ref = EXCLUDED.left_ref, right_ref = EXCLUDED.right_ref, score = EXCLUDED.score, detail = EXCLUDED.detail`,
    [job, runId],
  );
  return inserted.rowCount ?? 0;
}
