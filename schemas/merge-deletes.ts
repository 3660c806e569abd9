import { z } from 'zod';
import { durationSchema } from './duration.ts';
import { columnNameSchema } from './identifiers.ts';
import type { CollectSource } from './sources.ts';

/**
 * Hard deletes, which an incremental read never sees: every source key is copied after the changed
 * rows were staged, and published rows whose key is gone leave the table with the merge.
 */
export const compareKeysSchema = z
  .object({
    /** Compare at most once per this long (by the runs' logical dates); `0s`: every run. */
    every: durationSchema.default('0s'),
    /**
     * Refuse the run when the comparison would delete more than this share of the published rows:
     * an empty or truncated source is likelier than a mass deletion. 1 allows anything.
     */
    maxDeleteFraction: z.number().min(0).max(1).default(0.5),
  })
  .strict();

/** How rows deleted in the source leave a merge target: a soft-delete flag, a key-set comparison, or both. */
export const mergeDeletesSchema = z
  .object({
    /** A boolean column the source sets on rows it deleted (soft delete). */
    column: columnNameSchema.optional(),
    compareKeys: compareKeysSchema.optional(),
  })
  .strict()
  .refine((d) => d.column !== undefined || d.compareKeys !== undefined, {
    message: 'deletes needs column (a soft-delete flag the source sets) or compareKeys (a periodic key-set comparison), or both',
  });

export type CompareKeys = z.infer<typeof compareKeysSchema>;
export type MergeDeletes = z.infer<typeof mergeDeletesSchema>;

/** Problems with compareKeys that depend on the rest of the spec: where the keys come from and how rows arrive. */
export function compareKeysIssues(spec: { source: CollectSource; target: { mode: string; deletes?: MergeDeletes } }): { path: string[]; message: string }[] {
  if (!spec.target.deletes?.compareKeys || spec.target.mode !== 'merge') return [];
  const path = ['target', 'deletes', 'compareKeys'];
  if (spec.source.type === 'file') {
    return [{ path, message: 'compareKeys reads every key from the source again: it needs a table or query source, not a file' }];
  }
  if (!spec.source.incremental) {
    return [
      {
        path,
        message:
          'compareKeys finds the deletes an incremental read cannot see: it needs source.incremental (a source read whole every run is published whole with mode: replace)',
      },
    ];
  }
  return [];
}
