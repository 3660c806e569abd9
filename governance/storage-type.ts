import type { ColumnTypeHint } from './profile/column-profiler.ts';
import type { SemanticType } from './semantic/detect.ts';

/** Identifiers that look numeric but must keep their exact text (leading zeros, check chars, prefixes). */
const CODE_TYPES: ReadonlySet<SemanticType> = new Set(['citizen_id', 'credit_code', 'mobile', 'coordinate']);

/** The column type a collected file column gets: the inferred type, except that codes stay text. */
export function storageType(profile: ColumnTypeHint): string {
  if (profile.rows === profile.nulls) return 'text';
  if (profile.semanticType && CODE_TYPES.has(profile.semanticType)) return 'text';
  return profile.inferredType;
}
