// The fuse job spec for the generated department registers: which column of each source holds which field.
import type { JobSpecInput } from '../../schemas/job-spec.ts';
import { DEFAULT_FUSION_SOURCES, type SourceSpec } from './fusion-spec.ts';

const FIELDS = ['name', 'citizen_id', 'mobile', 'birth_date', 'gender', 'address'] as const;

function header(spec: SourceSpec, field: string): string {
  return spec.columns.find((c) => c.field === field)!.header;
}

/** A `kind: fuse` spec over `<schema>.<source>` tables loaded by loadFusionSources. */
export function fusionJobSpec(opts: { schema: string; target: string; job?: string; sources?: readonly SourceSpec[] }): JobSpecInput {
  return {
    kind: 'fuse',
    job: opts.job ?? 'fuse-residents',
    dataset: 'residents-golden',
    department: 'big-data-centre',
    entity: 'person',
    sources: (opts.sources ?? DEFAULT_FUSION_SOURCES).map((s) => ({
      name: s.name,
      table: `${opts.schema}.${s.name}`,
      key: header(s, 'record_id'),
      updatedAt: header(s, 'updated_at'),
      columns: Object.fromEntries(FIELDS.map((f) => [f, header(s, f)])),
    })),
    survivorship: { default: 'sourcePriority', fields: { address: 'mostRecent', mobile: 'mostRecent' } },
    target: { table: opts.target },
  };
}
