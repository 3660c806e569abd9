// Whether personal data found in a column is where it should not be: above what a department's
// connection may receive unmasked, or in the centre without a classification that covers it.
import { levelRank, unmaskedAbove } from '../masking/policy.ts';
import type { Detection } from './personal-data.ts';

/** Where a column was found. */
export type ScanPlace =
  /** A department's database, which may hold data up to `allowedLevel` (its maxUnmaskedLevel) unmasked. */
  | { kind: 'department'; allowedLevel: string }
  /** A centre table the catalogue does not describe. */
  | { kind: 'centre-uncatalogued' }
  /** A catalogued centre table; `column` is the current version's description (absent: not described). */
  | { kind: 'centre-catalogued'; column?: { semanticType: string | null; sensitivity: string } };

export interface Verdict {
  reason: string;
  /** The catalogue's classification of the column (centre), e.g. `L1 (not personal)`. */
  classification: string | null;
  /** The level the connection may receive unmasked (departments). */
  allowedLevel: string | null;
}

function found(d: Detection): string {
  return `${d.validated} of ${d.sampled} sampled values are valid ${d.type} (${d.level})`;
}

/** Null when the column may hold what was found there; else why it is a finding. */
export function judge(detection: Detection, place: ScanPlace): Verdict | null {
  if (place.kind === 'department') {
    // The same rule a distribution is refused by: a level above the allowed one, unmasked.
    if (!unmaskedAbove({}, [{ name: 'column', sensitivity: detection.level }], place.allowedLevel).length) return null;
    return {
      reason: `${found(detection)}, unmasked; the connection may receive up to ${place.allowedLevel} unmasked`,
      classification: null,
      allowedLevel: place.allowedLevel,
    };
  }
  if (place.kind === 'centre-uncatalogued') {
    return { reason: `${found(detection)} in a table the catalogue does not describe`, classification: null, allowedLevel: null };
  }
  if (!place.column) {
    return {
      reason: `${found(detection)} in a column the catalogue's current version does not describe`,
      classification: 'not catalogued',
      allowedLevel: null,
    };
  }
  const { semanticType, sensitivity } = place.column;
  if (levelRank(sensitivity) >= levelRank(detection.level)) return null;
  const classification = `${sensitivity} (${semanticType ?? 'not personal'})`;
  return { reason: `${found(detection)}; the catalogue classifies the column ${classification}`, classification, allowedLevel: null };
}
