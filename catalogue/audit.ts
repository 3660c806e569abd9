import type { Knex } from 'knex';
import { auditEntrySchema, auditRecordSchema, type AuditEntry, type AuditRecord } from '../schemas/audit.ts';

/**
 * Appends one entry to `dataops.audit_log`. Call it inside the transaction that makes the data leave
 * (publishing a distribution or a share), after the check that returns early when that step was
 * already published, so a retried activity cannot write a second entry. A CLI reveal calls it with
 * the pool, before it shows anything. The entry is validated first (schemas/audit.ts).
 */
export async function recordAudit(db: Knex | Knex.Transaction, entry: AuditEntry): Promise<void> {
  const e = auditEntrySchema.parse(entry);
  await db('dataops.audit_log').insert({
    actor: e.actor,
    action: e.action,
    run_id: e.runId,
    job: e.job,
    dataset: e.dataset,
    department: e.department,
    recipient: e.recipient,
    spec_hash: e.specHash,
    rows: e.rows,
    columns: JSON.stringify(e.columns),
    masking: JSON.stringify(e.masking),
    details: JSON.stringify(e.details),
  });
}

export interface AuditFilter {
  department?: string;
  /** Entries at or after this time. */
  from?: Date;
  /** Entries before this time. */
  to?: Date;
  dataset?: string;
  runId?: string;
  /** Default 100. */
  limit?: number;
}

/** Audit entries, newest first. */
export async function listAudit(db: Knex, filter: AuditFilter = {}): Promise<AuditRecord[]> {
  const query = db('dataops.audit_log')
    .orderBy([
      { column: 'at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(filter.limit ?? 100);
  if (filter.department) query.where({ department: filter.department });
  if (filter.dataset) query.where({ dataset: filter.dataset });
  if (filter.runId) query.where({ run_id: filter.runId });
  if (filter.from) query.where('at', '>=', filter.from);
  if (filter.to) query.where('at', '<', filter.to);
  const rows = await query;
  return rows.map((r) =>
    auditRecordSchema.parse({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      runId: r.run_id,
      job: r.job,
      dataset: r.dataset,
      department: r.department,
      recipient: r.recipient,
      specHash: r.spec_hash,
      rows: r.rows,
      columns: r.columns,
      masking: r.masking,
      details: r.details,
    }),
  );
}
