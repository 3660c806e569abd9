import type { Knex } from 'knex';
import type { ColumnProfile } from '../governance/profile/column-profiler.ts';
import { guessSensitivity } from '../governance/sensitivity.ts';
import { shortTypeName } from '../governance/storage-type.ts';

/** Writes a published version's column profiles into the catalogue, in column order. */
export async function recordColumnProfiles(
  trx: Knex.Transaction,
  resourceId: number,
  version: number,
  profiles: readonly ColumnProfile[],
  types: ReadonlyMap<string, string>,
  labels: ReadonlyMap<string, string> = new Map(),
): Promise<void> {
  if (!profiles.length) return;
  await trx('dataops.catalogue_columns').insert(
    profiles.map((p, ordinal) => ({
      resource_id: resourceId,
      version,
      ordinal: ordinal + 1,
      name: p.name,
      label: labels.get(p.name) ?? null,
      data_type: shortTypeName(types.get(p.name) ?? 'text'),
      semantic_type: p.semanticType,
      sensitivity: guessSensitivity([p.semanticType]).level,
      rows: p.rows,
      nulls: p.nulls,
      null_rate: p.nullRate,
      distinct_estimate: p.distinctEstimate,
      min_value: p.min,
      max_value: p.max,
      min_length: p.minLength,
      max_length: p.maxLength,
      semantic_checked: p.semanticChecked,
      semantic_valid: p.semanticValid,
      top_patterns: JSON.stringify(p.topPatterns),
    })),
  );
}

/** Published name -> the header it was read as, for columns renamed on the way in. */
export function labelsOf(columns: readonly { name: string; label?: string }[]): Map<string, string> {
  return new Map(columns.filter((c) => c.label !== undefined && c.label !== c.name).map((c) => [c.name, c.label!]));
}

/** The labels the catalogue holds for a published table's current version (for data derived from it). */
export async function labelsOfTable(db: Knex, tableRef: string): Promise<Map<string, string>> {
  const rows = await db('dataops.catalogue_columns as c')
    .join('dataops.catalogue_resources as r', function () {
      this.on('r.id', '=', 'c.resource_id').andOn('r.current_version', '=', 'c.version');
    })
    .where('r.table_ref', tableRef)
    .whereNotNull('c.label')
    .select('c.name', 'c.label');
  return new Map(rows.map((r) => [r.name as string, r.label as string]));
}
