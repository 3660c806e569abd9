// What the CLI may print of a column's values: L3 and L4 columns appear masked, the rest as they are.
import type { SemanticType } from '../semantic/detect.ts';
import { maskerFor, type Masker } from './masker.ts';
import { defaultMask, levelRank, type CatalogueColumn } from './policy.ts';
import { personalValueType } from '../scan/personal-data.ts';

/** Levels from which the CLI stops showing values in clear. */
export const PERSONAL_RANK = 3;

export function isPersonal(column: Pick<CatalogueColumn, 'sensitivity'>): boolean {
  return levelRank(column.sensitivity) >= PERSONAL_RANK;
}

/**
 * The masker for a column's values on screen: the catalogue default for its type (citizen ID keeps
 * the first 6 and last 4, mobile 3 + 4, a name its first character, an address its divisions; any
 * other L3/L4 column is redacted); undefined below L3. Defaults never make pseudonyms, so no key is needed.
 */
export function displayMasker(column: { semanticType: SemanticType | string | null; sensitivity: string }): Masker | undefined {
  if (!isPersonal(column)) return undefined;
  return maskerFor(defaultMask({ semanticType: column.semanticType as SemanticType | null, sensitivity: column.sensitivity }));
}

/**
 * A profile's value shape (`9{17}X`, see governance/profile/patterns.ts) for an L3/L4 column. Shapes
 * turn ASCII digits and letters and CJK ideographs into symbols, but keep every other character as
 * written, so the shape of a value in full-width digits (１３８…) is the value itself: those
 * characters are starred, leaving the symbols, run lengths and ASCII punctuation.
 */
export function maskShape(shape: string): string {
  let out = '';
  for (const ch of shape) out += ch.codePointAt(0)! < 0x80 || ch === '汉' || ch === '…' ? ch : '*';
  return out;
}

/**
 * How a message that anyone may read (a run's failure, shown in the Web UI) shows a key value: masked
 * as its column's type when the catalogue has the key at L3/L4, or when the value itself validates as
 * a citizen ID or a mobile; otherwise as it is.
 */
export function messageKey(level?: { semanticType: string | null; sensitivity: string }): (key: string) => string {
  const byLevel = level ? displayMasker(level) : undefined;
  return (key) => {
    if (byLevel) return String(byLevel(key) ?? '');
    const type = personalValueType(key);
    if (!type) return key;
    return String(displayMasker({ semanticType: type, sensitivity: type === 'citizen_id' ? 'L4' : 'L3' })!(key) ?? '');
  };
}
