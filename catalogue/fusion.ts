// The fusion tables of the dataops schema: entity membership, links, events, the review queue.
import type { Knex } from 'knex';
import { withNumbers } from './numbers.ts';
import { splitTableRef } from '../schemas/identifiers.ts';

export interface FusionJobRow {
  job: string;
  entity: string;
  target_table: string;
  /** Golden field → kind, as the last published run had them. */
  fields: Record<string, string> | null;
  next_seq: number;
  last_run_id: string | null;
}

export async function fusionJob(db: Knex, job: string): Promise<FusionJobRow | undefined> {
  const row = await db('dataops.fusion_jobs').where({ job }).first();
  return row ? withNumbers(row, ['next_seq']) : undefined;
}

/** Every record's entity after the last run: `source:record` → [entity, digest]. */
export async function fusionMembership(db: Knex, job: string): Promise<Map<string, [string, string]>> {
  const rows = (await db('dataops.fusion_members').where({ job }).select('source', 'record_id', 'entity_id', 'digest')) as {
    source: string;
    record_id: string;
    entity_id: string;
    digest: string;
  }[];
  return new Map(rows.map((r) => [`${r.source}:${r.record_id}`, [r.entity_id, r.digest]]));
}

export type ReviewKind = 'match' | 'conflict';
export type ReviewStatus = 'pending' | 'accepted' | 'rejected' | 'superseded';

export interface ReviewRow {
  id: number;
  job: string;
  run_id: string;
  kind: ReviewKind;
  entity_id: string;
  other_entity_id: string | null;
  field: string | null;
  left_ref: string | null;
  right_ref: string | null;
  score: number | null;
  detail: Record<string, unknown>;
  status: ReviewStatus;
  decision: { value?: string | null; picked?: string | null; signature?: string; note?: string } | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Date;
}

/** Reviewers' decisions a run applies: accepted and rejected reviews, oldest first (a later one wins). */
export async function fusionDecisions(db: Knex, job: string): Promise<ReviewRow[]> {
  const rows = await db('dataops.fusion_reviews').where({ job }).whereIn('status', ['accepted', 'rejected']).orderBy('decided_at').orderBy('id');
  return rows.map((r) => withNumbers(r, ['id', 'score']) as ReviewRow);
}

export interface ReviewFilter {
  job?: string;
  status?: ReviewStatus | 'all';
  kind?: ReviewKind;
  entity?: string;
  limit: number;
}

export async function listReviews(db: Knex, filter: ReviewFilter): Promise<ReviewRow[]> {
  const q = db('dataops.fusion_reviews').orderBy('id').limit(filter.limit);
  if (filter.job) q.where({ job: filter.job });
  if (filter.status !== 'all') q.where({ status: filter.status ?? 'pending' });
  if (filter.kind) q.where({ kind: filter.kind });
  if (filter.entity) q.where((w) => w.where({ entity_id: filter.entity }).orWhere({ other_entity_id: filter.entity }));
  return (await q).map((r) => withNumbers(r, ['id', 'score']) as ReviewRow);
}

export async function getReview(db: Knex, id: number): Promise<ReviewRow | undefined> {
  const row = await db('dataops.fusion_reviews').where({ id }).first();
  return row ? (withNumbers(row, ['id', 'score']) as ReviewRow) : undefined;
}

/** Decides a pending review; false when it is no longer pending (decided or superseded meanwhile). */
export async function decideReview(db: Knex, id: number, status: 'accepted' | 'rejected', decision: ReviewRow['decision'], by: string): Promise<boolean> {
  const n = await db('dataops.fusion_reviews')
    .where({ id, status: 'pending' })
    .update({ status, decision: decision ? JSON.stringify(decision) : null, decided_by: by, decided_at: db.fn.now() });
  return n === 1;
}

export interface EntityEventRow {
  id: number;
  run_id: string;
  event: string;
  entity_id: string;
  detail: Record<string, unknown> | null;
  at: Date;
}

export async function entityEvents(db: Knex, job: string, entity: string): Promise<EntityEventRow[]> {
  const rows = await db('dataops.fusion_events')
    .where({ job })
    .where((w) =>
      w
        .where({ entity_id: entity })
        .orWhereRaw(`detail->'absorbed' @> to_jsonb(?::text)`, [entity])
        .orWhereRaw(`detail->'into' @> to_jsonb(?::text)`, [entity]),
    )
    .orderBy('id');
  return rows.map((r) => withNumbers(r, ['id']) as EntityEventRow);
}

export async function entityLinks(
  db: Knex,
  job: string,
  entity: string,
): Promise<{ left_ref: string; right_ref: string; score: number; explanation: Record<string, [string, number]> }[]> {
  const rows = await db('dataops.fusion_links').where({ job, entity_id: entity }).orderBy('score', 'desc');
  return rows.map((r) => withNumbers(r, ['score']));
}

export async function entityMembers(db: Knex, job: string, entity: string): Promise<{ source: string; record_id: string }[]> {
  return db('dataops.fusion_members').where({ job, entity_id: entity }).orderBy(['source', 'record_id']).select('source', 'record_id');
}

/** The fusion job a golden entity id belongs to, when only the id is known. */
export async function jobsOfEntity(db: Knex, entity: string): Promise<string[]> {
  // Events too: a retired or absorbed entity has no members left.
  const rows = await db.union([
    db('dataops.fusion_members').where({ entity_id: entity }).distinct('job'),
    db('dataops.fusion_events').where({ entity_id: entity }).distinct('job'),
  ]);
  return [...new Set(rows.map((r: { job: string }) => r.job))];
}

/** An entity's golden versions, newest first (the current one has no valid_to). */
export async function goldenVersions(db: Knex, target: string, entity: string, all: boolean): Promise<Record<string, unknown>[]> {
  const { schema, table } = splitTableRef(target);
  const history = db.withSchema(schema).table(`${table}_history`).where({ entity_id: entity }).orderBy('valid_from', 'desc');
  if (!all) history.limit(1);
  return history;
}
