import { z } from 'zod';

/** What an audit row records: data leaving the centre (distribute, share, stream-publish), shown in clear (reveal), or a scan. */
export const AUDIT_ACTIONS = ['distribute', 'share', 'stream-publish', 'reveal', 'scan'] as const;

/** How the columns left: each column's mask (`none`: in clear), and the key version pseudonyms were made with. */
export const auditMaskingSchema = z
  .object({
    masks: z.record(z.string(), z.string()),
    keyVersion: z.string().optional(),
    algorithm: z.string().optional(),
    keyFingerprint: z.string().optional(),
  })
  .strict();

/**
 * One entry of `dataops.audit_log`, as `recordAudit` takes it. `actor` is the Temporal identity that
 * started the workflow (see activities/audit/started-by.ts), or `user@host` for a CLI action.
 */
export const auditEntrySchema = z
  .object({
    actor: z.string().trim().min(1),
    action: z.enum(AUDIT_ACTIONS),
    runId: z.string().min(1).nullable().default(null),
    job: z.string().min(1).nullable().default(null),
    dataset: z.string().min(1).nullable().default(null),
    /** The department that owns the job (for a reveal: the run's). */
    department: z.string().min(1).nullable().default(null),
    /** Who received the data: the consumer department and/or the connection name, or the file written. */
    recipient: z.string().min(1).nullable().default(null),
    /** `specHash(spec)` of the validated spec (governance/spec-hash.ts); null where no spec was involved. */
    specHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256')
      .nullable()
      .default(null),
    rows: z.number().int().min(0),
    /** The columns that left (or were shown in clear), in order. */
    columns: z.array(z.string()).default([]),
    masking: auditMaskingSchema.default({ masks: {} }),
    details: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** A stored entry: the entry with its id and time. */
export const auditRecordSchema = auditEntrySchema.extend({
  id: z.coerce.number().int(),
  /** Read back as text, so entries of actions added later still list. */
  action: z.string(),
  at: z.coerce.date(),
  rows: z.coerce.number().int().min(0),
});

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditMasking = z.infer<typeof auditMaskingSchema>;
/** What a caller passes to `recordAudit` (defaults filled in by the schema). */
export type AuditEntry = z.input<typeof auditEntrySchema>;
export type AuditRecord = z.infer<typeof auditRecordSchema>;
