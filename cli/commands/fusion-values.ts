// How golden values show in the CLI: personal fields masked unless the user reveals them (audited first).
import type { Knex } from 'knex';
import { recordAudit } from '../../catalogue/audit.ts';
import { ENTITY_FIELDS, type EntityType, type FieldKind } from '../../governance/fuse/field-kinds.ts';
import { address, citizenId, keep, mobile, name } from '../../governance/masking/masks.ts';
import { localIdentity } from '../../temporal/identity.ts';

const MASKS: Partial<Record<FieldKind, (value: string) => string | null>> = {
  citizenId: (v) => citizenId(v),
  mobile: (v) => mobile(v),
  personName: (v) => name(v),
  address: (v) => address(v),
  date: (v) => keep(v, 4, 0),
};

/** The field's kind by name: as the job's last run recorded it, else the entity type's own field. */
export function kindOf(job: { entity: string; fields: Record<string, string> | null } | undefined, field: string): FieldKind | undefined {
  if (!job) return undefined;
  return (job.fields?.[field] as FieldKind | undefined) ?? ENTITY_FIELDS[job.entity as EntityType]?.[field];
}

export interface ValueView {
  show(field: string, value: string | null | undefined): string;
  revealed: boolean;
}

export function valueView(job: { entity: string; fields: Record<string, string> | null } | undefined, revealed: boolean): ValueView {
  return {
    revealed,
    show(field, value) {
      if (value === null || value === undefined) return '';
      if (revealed) return value;
      const kind = kindOf(job, field);
      const mask = kind ? MASKS[kind] : undefined;
      return mask ? (mask(value) ?? '') : value;
    },
  };
}

/** Audits a reveal of fusion data before anything is shown. */
export async function auditReveal(
  db: Knex,
  what: { command: string; job: string | null; rows: number; fields: string[]; details?: Record<string, unknown> },
): Promise<void> {
  const actor = localIdentity();
  await recordAudit(db, {
    actor,
    action: 'reveal',
    job: what.job,
    recipient: actor,
    rows: what.rows,
    columns: what.fields,
    details: { command: what.command, ...what.details },
  });
}
