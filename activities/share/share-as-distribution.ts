import type { DistributeJobSpec, ShareJobSpec } from '../../schemas/job-spec.ts';

/** Files have no target table: the plan's target is unused for them, only its columns and masks. */
const FILES_TARGET = 'extract';

/**
 * A share read as the distribution it reuses: the same source, masks and refusal of columns above
 * the output's level; a table output is then loaded, reconciled and swapped in exactly as a distribution.
 */
export function shareAsDistribution(spec: ShareJobSpec): DistributeJobSpec {
  const target =
    'table' in spec.output
      ? { connection: spec.output.table.connection, table: spec.output.table.table, mode: 'full' as const, schemaChange: spec.output.table.schemaChange }
      : { connection: spec.output.files.connection, table: FILES_TARGET, mode: 'full' as const, schemaChange: 'fail' as const };
  return {
    kind: 'distribute',
    job: spec.job,
    dataset: spec.dataset,
    department: spec.department,
    sourceSystem: spec.sourceSystem,
    updateFrequency: spec.updateFrequency,
    description: spec.description,
    source: spec.source,
    target,
    masks: spec.masks,
    options: spec.options,
  };
}
