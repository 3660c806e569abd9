// Character helpers shared by the masks. Masks count code points, so a rare name character written as
// a surrogate pair (U+20000 and up) is one character, shown or starred whole.

export const STAR = '*';

/** A driver may hand over a number or bigint for a text-like column; null and undefined are null. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return String(value);
}

export function codePoints(s: string): string[] {
  return Array.from(s);
}

export function stars(n: number): string {
  return n > 0 ? STAR.repeat(n) : '';
}

/** A non-negative whole count, or `fallback` for anything else (NaN, negative, fractional, undefined). */
export function count(n: number | undefined, fallback: number): number {
  return n !== undefined && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/**
 * The first `first` and last `last` characters, the rest starred (one star per character). When that
 * would hide nothing, at most half the characters stay visible (prefix first), so a value never leaves
 * unmasked: `keepEnds(['张'], 1, 0)` is `*`.
 */
export function keepEnds(chars: readonly string[], first: number, last: number): string {
  const n = chars.length;
  if (first + last >= n) {
    const visible = Math.floor(n / 2);
    first = Math.min(first, visible);
    last = Math.min(last, visible - first);
  }
  return chars.slice(0, first).join('') + stars(n - first - last) + (last > 0 ? chars.slice(n - last).join('') : '');
}

/** The treatment of a value that does not look like its type: a short prefix at most, everything else starred. */
export function conservative(s: string, prefix: number): string {
  const chars = codePoints(s);
  return keepEnds(chars, Math.min(prefix, Math.floor(chars.length / 2)), 0);
}
