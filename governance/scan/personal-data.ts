// Which columns of a sample hold unmasked personal data: values that pass a type's strict validator
// (check characters, real birth dates, mobile prefixes), not values that merely look like one.
import { validatorFor, type SemanticType } from '../semantic/detect.ts';
import { guessSensitivity, type SensitivityLevel } from '../sensitivity.ts';

/**
 * The personal types a scan looks for, highest level first (ties between types are settled in this
 * order). Coordinates, names and addresses are left out: no checksum or fixed format tells a real one
 * from a place, a word or a number pair, so they would be found everywhere.
 */
export const SCANNED_TYPES = ['citizen_id', 'mobile', 'credit_code', 'email'] as const satisfies readonly SemanticType[];
export type ScannedType = (typeof SCANNED_TYPES)[number];

/** The catalogue's level for a column of this type (citizen_id L4, mobile L3, credit_code and email L2). */
export function levelOfType(type: ScannedType): SensitivityLevel {
  return guessSensitivity([type]).level;
}

export interface ScanThresholds {
  /** Share of the non-empty sampled values that must validate as one type. */
  minShare: number;
  /** Fewer non-empty sampled values than this and the column is not judged. */
  minValues: number;
}

export interface Detection {
  type: ScannedType;
  level: SensitivityLevel;
  /** Non-empty sampled values that validated as `type`. */
  validated: number;
  /** Non-empty sampled values. */
  sampled: number;
  share: number;
}

const VALIDATORS = SCANNED_TYPES.map((type) => validatorFor(type));
const CITIZEN_ID = SCANNED_TYPES.indexOf('citizen_id');

/** A value as a person would read it: surrounding blanks and a lower-case check character do not hide an ID. */
function readable(raw: string, type: number): string {
  if (type === CITIZEN_ID && raw.length === 18 && raw.charCodeAt(17) === 120 /* x */) return `${raw.slice(0, 17)}X`;
  return raw;
}

/**
 * The personal type most of a column's sampled values validate as, when at least `minShare` of its
 * non-empty values (and `minValues` of them) do; otherwise null. Masked values (`310112********1234`,
 * `138****5678`, pseudonyms) and numbers that fail a check character never validate, so a masked
 * column or one of random 18-digit numbers is not reported.
 */
export function detectPersonalData(values: Iterable<string | null | undefined>, thresholds: ScanThresholds): Detection | null {
  const counts = new Array<number>(SCANNED_TYPES.length).fill(0);
  let sampled = 0;
  for (const raw of values) {
    if (raw === null || raw === undefined) continue;
    const value = raw.trim();
    if (value.length === 0) continue;
    sampled++;
    for (let t = 0; t < VALIDATORS.length; t++) if (VALIDATORS[t]!(readable(value, t))) counts[t]!++;
  }
  if (sampled === 0 || sampled < thresholds.minValues) return null;
  let best = 0;
  for (let t = 1; t < counts.length; t++) if (counts[t]! > counts[best]!) best = t;
  const validated = counts[best]!;
  // Compared as counts: 0.5 of 7 values is 3.5, so 4 are needed, with no rounding error at the edge.
  if (validated === 0 || validated < thresholds.minShare * sampled) return null;
  const type = SCANNED_TYPES[best]!;
  return { type, level: levelOfType(type), validated, sampled, share: validated / sampled };
}

/**
 * The L3/L4 personal type one value validates as (a citizen ID or a mobile), else null: how a value
 * of a column no catalogue describes is judged before it is shown.
 */
export function personalValueType(raw: string): 'citizen_id' | 'mobile' | null {
  const value = raw.trim();
  if (!value) return null;
  for (const type of ['citizen_id', 'mobile'] as const) {
    const t = SCANNED_TYPES.indexOf(type);
    if (VALIDATORS[t]!(readable(value, t))) return type;
  }
  return null;
}
