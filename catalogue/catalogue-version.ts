import type { Knex } from 'knex';
import type { CentreJobSpec } from '../schemas/job-spec.ts';
import type { SensitivityGuess } from '../governance/sensitivity.ts';

export interface CatalogueVersion {
  spec: Pick<CentreJobSpec, 'dataset' | 'department' | 'sourceSystem' | 'updateFrequency' | 'description' | 'target'>;
  /** The dataset's catalogue row as locked at the start of publishing, if it has one. */
  resource: { id: number } | undefined;
  version: number;
  runId: string;
  target: { schema: string; table: string; physical: string };
  rows: number;
  sensitivity: SensitivityGuess;
  schemaHash: string;
}

/** Points the dataset's catalogue entry at a newly published version and records that version; returns the resource id. */
export async function recordCatalogueVersion(trx: Knex.Transaction, v: CatalogueVersion): Promise<number> {
  const { spec, target } = v;
  const resourceRow = {
    dataset: spec.dataset,
    table_ref: `${target.schema}.${target.table}`,
    department: spec.department,
    source_system: spec.sourceSystem ?? null,
    update_frequency: spec.updateFrequency,
    sensitivity: v.sensitivity.level,
    sensitivity_reasons: JSON.stringify(v.sensitivity.reasons),
    description: spec.description ?? null,
    current_version: v.version,
    row_count: v.rows,
    updated_at: trx.fn.now(),
  };
  const [{ id: resourceId }] = v.resource
    ? await trx('dataops.catalogue_resources').where({ id: v.resource.id }).update(resourceRow).returning('id')
    : await trx('dataops.catalogue_resources').insert(resourceRow).returning('id');
  await trx('dataops.catalogue_versions').insert({
    resource_id: resourceId,
    version: v.version,
    run_id: v.runId,
    table_ref: `${target.schema}.${target.physical}`,
    mode: spec.target.mode,
    row_count: v.rows,
    schema_hash: v.schemaHash,
  });
  return resourceId as number;
}
