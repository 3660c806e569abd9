import type { Knex } from 'knex';
import { withNumbers } from './numbers.ts';

/** The columns a staging batch COPYs into `dataops.quarantine`, in this order. */
export const QUARANTINE_COPY_COLUMNS = [
  'run_id',
  'step',
  'source_ref',
  'rule_id',
  'column_name',
  'severity',
  'reason',
  'reason_zh',
  'record',
  'row_ref',
  'kept_ref',
] as const;

export interface QuarantineGroup {
  rule_id: string;
  column_name: string;
  reason: string;
  reason_zh: string;
  count: number;
}

/** Rejections of a run per rule, column and specific reason, the largest groups of each rule first. */
export async function quarantineSummary(db: Knex, runId: string): Promise<QuarantineGroup[]> {
  const rows = await db('dataops.quarantine')
    .where({ run_id: runId })
    .groupBy('rule_id', 'column_name', 'reason', 'reason_zh')
    .select('rule_id', 'column_name', 'reason', 'reason_zh')
    .count('* as count')
    .orderBy([{ column: 'rule_id' }, { column: 'column_name' }, { column: 'count', order: 'desc' }, { column: 'reason' }]);
  return rows.map((r) => withNumbers(r, ['count']) as unknown as QuarantineGroup);
}

/** Distinct source records a run quarantined (one record may fail several rules). */
export async function quarantinedRecords(db: Knex, runId: string): Promise<number> {
  const [row] = await db('dataops.quarantine').where({ run_id: runId }).countDistinct<{ n: string }[]>('source_ref as n');
  return Number(row?.n ?? 0);
}

export interface QuarantineEntry {
  source_ref: string;
  rule_id: string;
  column_name: string;
  reason: string;
  reason_zh: string;
  duplicate_of: string | null;
  record: Record<string, string | null>;
}

const ENTRY_COLUMNS = ['source_ref', 'rule_id', 'column_name', 'reason', 'reason_zh', 'duplicate_of', 'record'];

export async function quarantineEntries(db: Knex, runId: string, options: { rule?: string; limit: number }): Promise<QuarantineEntry[]> {
  const query = db('dataops.quarantine').where({ run_id: runId }).orderBy('id').limit(options.limit);
  if (options.rule) query.where({ rule_id: options.rule });
  return query.select(ENTRY_COLUMNS);
}

/** Every entry of one source record. */
export async function quarantineOfRecord(db: Knex, runId: string, sourceRef: string): Promise<QuarantineEntry[]> {
  return db('dataops.quarantine').where({ run_id: runId, source_ref: sourceRef }).orderBy('id').select(ENTRY_COLUMNS);
}

/** The SELECT an export streams (through COPY, so it never sits in memory). */
export function quarantineExportSelect(quotedRunId: string): string {
  return `SELECT source_ref, rule_id, column_name, severity, reason, reason_zh, duplicate_of, record, created_at FROM dataops.quarantine WHERE run_id = ${quotedRunId} ORDER BY id`;
}

/** A run that never published describes no output: its quarantine goes with its staging. */
export async function dropUnpublishedQuarantine(db: Knex, runId: string): Promise<number> {
  const published = await db('dataops.checkpoints').where({ run_id: runId, status: 'published' }).first('step');
  if (published) return 0;
  return db('dataops.quarantine').where({ run_id: runId }).delete();
}

/**
 * Names, on every duplicate of a run's step, the record that was kept: a duplicate points at the row
 * it repeated (`kept_ref`); when that row was itself superseded later, the pointer follows the chain
 * to the row that won. `keptRefText` turns a staging row (alias s) into its source reference.
 */
export async function nameKeptRecords(trx: Knex.Transaction, runId: string, step: string, stagingTable: string, keptRefText: string): Promise<void> {
  const links = await trx('dataops.quarantine').where({ run_id: runId, step }).whereNotNull('kept_ref').select('id', 'row_ref', 'kept_ref');
  if (!links.length) return;
  // A superseded row's entry says which row beat it: follow those links to the row that stayed.
  const beatenBy = new Map<string, string>(links.map((l) => [String(l.row_ref), String(l.kept_ref)]));
  const ids: string[] = [];
  const finals: string[] = [];
  for (const link of links) {
    let ref = String(link.kept_ref);
    for (let hops = 0; beatenBy.has(ref) && hops < links.length; hops++) ref = beatenBy.get(ref)!;
    ids.push(String(link.id));
    finals.push(ref);
  }
  // One pass over staging (a hash join); a nested loop would scan it once per duplicate.
  await trx.raw('SET LOCAL enable_nestloop = off');
  await trx.raw(
    `UPDATE dataops.quarantine q SET kept_ref = u.kept, duplicate_of = ${keptRefText}
       FROM unnest(?::bigint[], ?::bigint[]) AS u(id, kept) JOIN ${stagingTable} s ON s.dataops_ref = u.kept
      WHERE q.id = u.id`,
    [ids, finals],
  );
  await trx.raw('SET LOCAL enable_nestloop TO DEFAULT');
}

/** Entries of a run (what an export writes). */
export async function quarantineEntryCount(db: Knex, runId: string): Promise<number> {
  const [row] = await db('dataops.quarantine').where({ run_id: runId }).count<{ n: string }[]>('* as n');
  return Number(row?.n ?? 0);
}
