// Column masking policies: defaults from the catalogue, overrides from the spec, and the check that
// refuses to send a column above the destination's allowed level unmasked.
import type { ColumnMask, MaskingPolicy, PseudonymInput } from '../../schemas/masking.ts';
import type { SemanticType } from '../semantic/detect.ts';
import type { SensitivityLevel } from '../sensitivity.ts';

/** A column as the catalogue describes it. */
export interface CatalogueColumn {
  name: string;
  semanticType: SemanticType | null;
  /** The column's level; a value the catalogue does not know (not L1-L4) counts as L4. */
  sensitivity: SensitivityLevel | string;
}

const RANK: Record<string, number> = { L1: 1, L2: 2, L3: 3, L4: 4 };

/** 1-4; anything that is not L1-L4 ranks as L4, so an unreadable level never lets data through. */
export function levelRank(level: string): number {
  return RANK[level] ?? 4;
}

// Personal types have a mask people expect, whatever level the catalogue gave the column.
const MASK_BY_TYPE: Partial<Record<SemanticType, ColumnMask>> = {
  citizen_id: { mask: 'citizen_id' },
  mobile: { mask: 'mobile' },
  chinese_name: { mask: 'name' },
  address: { mask: 'address' },
  email: { mask: 'email' },
  coordinate: { mask: 'redact' },
};

const PSEUDONYM_INPUT_BY_TYPE: Partial<Record<SemanticType, PseudonymInput>> = {
  citizen_id: 'citizen_id',
  mobile: 'mobile',
  email: 'email',
  chinese_name: 'name',
  credit_code: 'credit_code',
};

/**
 * The mask a column gets unless the spec says otherwise: its personal type's mask (citizen_id, mobile,
 * name, address, email; a coordinate is redacted), else `redact` at L3 and L4, else `none`. The
 * destination's allowed level does not relax it: sending personal data in clear takes an explicit
 * `none` in the spec (and is still refused above that level).
 */
export function defaultMask(column: Pick<CatalogueColumn, 'semanticType' | 'sensitivity'>): ColumnMask {
  const byType = column.semanticType ? MASK_BY_TYPE[column.semanticType] : undefined;
  if (byType) return { ...byType };
  return levelRank(column.sensitivity) >= 3 ? { mask: 'redact' } : { mask: 'none' };
}

export interface EffectiveMasks {
  /** Every column's mask, in column order. */
  masks: Record<string, ColumnMask>;
  /** Spec overrides naming a column the table does not have (the caller refuses them). */
  unknownColumns: string[];
}

/** Catalogue defaults overridden by the spec; a pseudonym without `as` takes its canonical form from the semantic type. */
export function effectiveMasks(columns: readonly CatalogueColumn[], overrides: MaskingPolicy = {}): EffectiveMasks {
  const masks: Record<string, ColumnMask> = {};
  for (const column of columns) {
    const override = Object.hasOwn(overrides, column.name) ? overrides[column.name] : undefined;
    const mask = override ? { ...override } : defaultMask(column);
    if (mask.mask === 'pseudonym' && mask.as === undefined) mask.as = (column.semanticType && PSEUDONYM_INPUT_BY_TYPE[column.semanticType]) || 'text';
    masks[column.name] = mask;
  }
  const known = new Set(columns.map((c) => c.name));
  return { masks, unknownColumns: Object.keys(overrides).filter((name) => !known.has(name)) };
}

/**
 * The columns that would leave unmasked above `allowedLevel` (the highest level the destination may
 * receive in clear): those whose mask is `none` or missing, at a higher level. Every other mask counts
 * as masked (each hides at least part of every value). Returned in column order, for the refusal to name.
 */
export function unmaskedAbove<C extends Pick<CatalogueColumn, 'name' | 'sensitivity'>>(
  masks: Readonly<Record<string, ColumnMask | undefined>>,
  columns: readonly C[],
  allowedLevel: SensitivityLevel | string,
): C[] {
  // An allowed level that is not L1-L4 allows public (L1) data only.
  const allowed = RANK[allowedLevel] ?? 1;
  return columns.filter((c) => {
    const mask = Object.hasOwn(masks, c.name) ? masks[c.name] : undefined;
    return levelRank(c.sensitivity) > allowed && (mask === undefined || mask.mask === 'none');
  });
}
