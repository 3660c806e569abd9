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

const SHORT_TYPE_NAMES: readonly [RegExp, string][] = [
  [/^timestamp(\(\d+\))? with time zone$/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone$/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone$/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone$/, 'time$1'],
  [/^character varying(\(\d+\))?$/, 'varchar$1'],
  [/^character(\(\d+\))?$/, 'char$1'],
  [/^double precision$/, 'float8'],
];

/** PostgreSQL's long type names (format_type) in the short form the catalogue uses for every source. */
export function shortTypeName(pgType: string): string {
  for (const [long, short] of SHORT_TYPE_NAMES) if (long.test(pgType)) return pgType.replace(long, short);
  return pgType;
}
