// Fixed-list tags: a department's list of IDs or names, matched against one field of every entity.
// Lists come typed by hand or exported from office software: full-width digits and letters, stray
// spaces, a lower-case x closing a citizen ID. Both sides are normalised the same way before matching.

/** `citizen_id`: also upper-cases the check character; `text`: width and spaces only. */
export type ListValueKind = 'text' | 'citizen_id';

const PLAIN = /^[\x21-\x7e]*$/;

/** Full-width ASCII (U+FF01..U+FF5E) and the ideographic space as their half-width forms. */
function halfWidth(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** The form both a list entry and an entity's value are compared in; empty means "no value". */
export function normaliseListValue(value: string, kind: ListValueKind): string {
  // Printable ASCII without spaces (most IDs as stored) has nothing to fold but case.
  if (PLAIN.test(value)) return kind === 'citizen_id' ? value.toUpperCase() : value;
  const text = halfWidth(value).trim();
  if (kind === 'citizen_id') return text.replace(/\s+/g, '').toUpperCase();
  return text.replace(/\s+/g, ' ');
}

/** Caps a list at what a worker holds comfortably in memory (a district's population is ~2.7M). */
export const MAX_LIST_ENTRIES = 5_000_000;

/**
 * The entries of a list file: one value per line, or the first column of a CSV line (quotes
 * stripped); blank lines and `#` comments are skipped, as is a header naming the match field.
 */
export function parseListFile(text: string, kind: ListValueKind, header?: string): Set<string> {
  const entries = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const first = line.split(',')[0]!.replace(/^\s*"(.*)"\s*$/, '$1');
    const value = normaliseListValue(first, kind);
    if (!value || (header && entries.size === 0 && value.toLowerCase() === header.toLowerCase())) continue;
    entries.add(value);
    if (entries.size > MAX_LIST_ENTRIES) throw new RangeError(`the list has more than ${MAX_LIST_ENTRIES} entries`);
  }
  return entries;
}
