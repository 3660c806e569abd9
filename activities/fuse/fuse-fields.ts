import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import { ENTITY_FIELDS } from '../../governance/fuse/field-kinds.ts';
import type { MatchField } from '../../governance/fuse/match-records.ts';

/** The golden record's fields: the entity's own that some source maps, in their usual order, then the spec's extra fields. */
export function fuseFields(spec: FuseJobSpec): MatchField[] {
  const mapped = new Set(spec.sources.flatMap((s) => Object.keys(s.columns)));
  const own = Object.entries(ENTITY_FIELDS[spec.entity]).filter(([name]) => mapped.has(name));
  return [...own, ...Object.entries(spec.fields)].map(([name, kind]) => ({ name, kind }));
}

export const FUSE_STEP_PREFIX = 'fuse';

/** The match-and-publish step: names its checkpoint. */
export const MATCH_STEP = 'fuse_match';

/** The staging step of one source: names its checkpoint and staging table. */
export function sourceStep(source: string): string {
  return `${FUSE_STEP_PREFIX}_${source}`;
}

/** Staging columns of a normalised source: the record's id, when it changed, its digest, then the golden fields. */
export const RECORD_COLUMNS = ['record_id', 'updated_at', 'digest', 'repairs'] as const;
