/** Types that hold each other's values, narrowest first (PostgreSQL's format_type names). */
const FAMILIES: readonly (readonly string[])[] = [
  ['smallint', 'integer', 'bigint', 'numeric'],
  ['date', 'timestamp without time zone', 'timestamp with time zone'],
];

/**
 * The narrowest type holding the values of both: the wider of two types of one family (integer and
 * numeric: numeric), text for types of different families (a number column that now holds words).
 */
export function widerType(a: string, b: string): string {
  if (a === b) return a;
  for (const family of FAMILIES) {
    const i = family.indexOf(a);
    const j = family.indexOf(b);
    if (i >= 0 && j >= 0) return family[Math.max(i, j)]!;
  }
  return 'text';
}
