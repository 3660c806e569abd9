import type { FuseJobSpec } from '../../schemas/job-spec.ts';
import { defaultConflictFields } from '../../schemas/fuse-spec.ts';
import type { FuseOptions } from '../../governance/fuse/fuse.ts';

export function fuseOptions(spec: FuseJobSpec): FuseOptions {
  return {
    threshold: spec.match.threshold,
    reviewBand: spec.match.reviewBand,
    maxBlock: spec.match.maxBlock,
    idPrefix: spec.idPrefix ?? (spec.entity === 'person' ? 'P' : 'E'),
    survivorship: { default: spec.survivorship.default, fields: spec.survivorship.fields },
    priority: spec.survivorship.priority,
    conflicts: { level: spec.conflicts.level, fields: spec.conflicts.fields ?? defaultConflictFields(spec.entity) },
  };
}
