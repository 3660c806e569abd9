import type { Knex } from 'knex';
import { quoteTable } from '../connectors/postgres/quote.ts';

export interface StagedTagsToApply {
  runId: string;
  job: string;
  entityType: string;
  entityTable: string;
  /** The run's staging table of hits (entity_id, tag, evidence). */
  stagingTable: string;
  /** When the run's tags start to hold, and those it no longer finds stop. */
  at: string;
  /**
   * `reissue`: holders found again under another version get a new period (a changed rule: the old
   * evidence was for another rule). A list's holders keep theirs when the list changes around them.
   */
  tags: { tag: string; ruleId: string; version: string; reissue: boolean }[];
}

export interface AppliedTagCounts {
  tag: string;
  added: number;
  removed: number;
  current: number;
}

/**
 * Applies one run's staged hits to dataops.tags inside the caller's transaction: open rows the run no
 * longer finds (or, for rules, found under another rule version) are closed at `at` (never before they
 * opened: a backfill may run for an earlier date), hits without an open row are opened. Rows are never
 * deleted. Tags the job no longer defines are closed too. Serialised per job.
 */
export async function applyStagedTags(trx: Knex.Transaction, input: StagedTagsToApply): Promise<AppliedTagCounts[]> {
  const staging = quoteTable(input.stagingTable);
  await trx.raw("SELECT pg_advisory_xact_lock(hashtext('dataops.tags:' || ?))", [input.job]);
  // Fresh statistics for both sides: a staging table just filled, and tags a previous run just added,
  // look empty to the planner, whose nested-loop plan over them then took 67 s for 74k periods.
  await trx.raw(`ANALYZE ${staging}`);
  await trx.raw('ANALYZE dataops.tags');
  const out: AppliedTagCounts[] = [];
  for (const { tag, ruleId, version, reissue } of input.tags) {
    const closed = await trx.raw(
      `WITH closed AS (
         UPDATE dataops.tags t SET valid_to = greatest(t.valid_from, ?::timestamptz), closed_by_run_id = ?
          WHERE t.job = ? AND t.tag = ? AND t.valid_to IS NULL
            AND ((? AND t.rule_version <> ?) OR NOT EXISTS (SELECT 1 FROM ${staging} s WHERE s.tag = ? AND s.entity_id = t.entity_id))
          RETURNING EXISTS (SELECT 1 FROM ${staging} s WHERE s.tag = ? AND s.entity_id = t.entity_id) AS still)
       SELECT count(*) FILTER (WHERE NOT still)::int AS removed, count(*) FILTER (WHERE still)::int AS reissued FROM closed`,
      [input.at, input.runId, input.job, tag, reissue, version, tag, tag],
    );
    const { removed, reissued } = closed.rows[0] as { removed: number; reissued: number };
    const opened = await trx.raw(
      `INSERT INTO dataops.tags (job, tag, entity_type, entity_table, entity_id, valid_from, rule_id, rule_version, evidence, run_id)
       SELECT ?, s.tag, ?, ?, s.entity_id, ?::timestamptz, ?, ?, s.evidence, ? FROM ${staging} s
        WHERE s.tag = ? AND NOT EXISTS (SELECT 1 FROM dataops.tags t WHERE t.job = ? AND t.tag = ? AND t.entity_id = s.entity_id AND t.valid_to IS NULL)`,
      [input.job, input.entityType, input.entityTable, input.at, ruleId, version, input.runId, tag, input.job, tag],
    );
    const current = await trx('dataops.tags').where({ job: input.job, tag }).whereNull('valid_to').count<{ n: string }[]>({ n: '*' });
    out.push({ tag, added: (opened.rowCount ?? 0) - reissued, removed, current: Number(current[0]!.n) });
  }
  const dropped = await trx('dataops.tags')
    .where({ job: input.job })
    .whereNull('valid_to')
    .whereNotIn(
      'tag',
      input.tags.map((t) => t.tag),
    )
    .update({ valid_to: trx.raw('greatest(valid_from, ?::timestamptz)', [input.at]), closed_by_run_id: input.runId })
    .returning<{ tag: string }[]>('tag');
  const byTag = new Map<string, number>();
  for (const { tag } of dropped) byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
  for (const [tag, removed] of byTag) out.push({ tag, added: 0, removed, current: 0 });
  return out;
}

export interface TagRunRow {
  run_id: string;
  job: string;
  tag: string;
  rule_version: string;
  evaluated: number;
  added: number;
  removed: number;
  current: number;
  unknown: number;
  errors: number;
  recorded_at: Date;
}

export async function recordTagRun(trx: Knex.Transaction, rows: Omit<TagRunRow, 'recorded_at'>[]): Promise<void> {
  if (rows.length) await trx('dataops.tag_runs').insert(rows);
}

const COUNT_COLUMNS = ['evaluated', 'added', 'removed', 'current', 'unknown', 'errors'] as const;
const numbers = <T extends Record<string, unknown>>(row: T): T => {
  const out: Record<string, unknown> = { ...row };
  for (const c of COUNT_COLUMNS) if (c in out) out[c] = Number(out[c]);
  return out as T;
};

/** Per-tag counts of the newest runs (of a job, of a tag), newest first. */
export async function tagRunCounts(db: Knex, filter: { job?: string; tag?: string; limit: number }): Promise<TagRunRow[]> {
  const query = db('dataops.tag_runs')
    .orderBy([{ column: 'recorded_at', order: 'desc' }, { column: 'tag' }])
    .limit(filter.limit);
  if (filter.job) query.where({ job: filter.job });
  if (filter.tag) query.where({ tag: filter.tag });
  return (await query).map(numbers);
}

export interface EntityTagRow {
  job: string;
  tag: string;
  entity_type: string;
  entity_table: string;
  entity_id: string;
  valid_from: Date;
  valid_to: Date | null;
  rule_id: string;
  rule_version: string;
  evidence: Record<string, unknown>;
  run_id: string;
  closed_by_run_id: string | null;
}

/** An entity's tags: the current ones, or (allHistory) every period, newest first. */
export async function tagsOfEntity(db: Knex, entityId: string, filter: { job?: string; allHistory?: boolean } = {}): Promise<EntityTagRow[]> {
  const query = db('dataops.tags')
    .where({ entity_id: entityId })
    .orderBy([{ column: 'job' }, { column: 'tag' }, { column: 'valid_from', order: 'desc' }]);
  if (filter.job) query.where({ job: filter.job });
  if (!filter.allHistory) query.whereNull('valid_to');
  return query.select(
    'job',
    'tag',
    'entity_type',
    'entity_table',
    'entity_id',
    'valid_from',
    'valid_to',
    'rule_id',
    'rule_version',
    'evidence',
    'run_id',
    'closed_by_run_id',
  );
}

/** The entities currently holding a tag (ids only), for checks and exports. */
export async function currentTagHolders(db: Knex, job: string, tag: string): Promise<string[]> {
  const rows = await db('dataops.tags').where({ job, tag }).whereNull('valid_to').orderBy('entity_id').select('entity_id');
  return rows.map((r: { entity_id: string }) => r.entity_id);
}
