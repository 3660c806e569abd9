import { mergeKey, type CollectJobSpec } from '../../schemas/job-spec.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';

/**
 * A merge's key by published column names. target.key names published columns; the default, the
 * source's incremental or resume key, names a source column, published under another name when the
 * spec renames it (a renamed column keeps its source name as its label).
 */
export function publishedMergeKey(spec: CollectJobSpec, columns: readonly ColumnInfo[]): string[] | undefined {
  if (spec.target.key) return spec.target.key;
  return mergeKey(spec)?.map((name) => columns.find((c) => c.label === name)?.name ?? name);
}
