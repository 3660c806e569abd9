// Defect kinds the generator injects, what each means for quality indicators, and their default rates.

import type { Prng } from './prng.ts';

export const RESIDENT_DEFECTS = [
  'citizen_id_bad_check',
  'citizen_id_bad_birth',
  'citizen_id_legacy15',
  'citizen_id_lower_x',
  'fullwidth_digits',
  'mobile_formatted',
  'mobile_invalid',
  'birth_date_format',
  'birth_date_mismatch',
  'gender_mismatch',
  'street_alias',
  'null_token',
  'whitespace',
  'duplicate',
] as const;
export type ResidentDefect = (typeof RESIDENT_DEFECTS)[number];

export const ENTERPRISE_DEFECTS = [
  'credit_code_bad_check',
  'credit_code_lowercase',
  'credit_code_pilot',
  'capital_negative',
  'established_future',
  'established_format',
  'street_alias',
  'null_token',
  'duplicate',
] as const;
export type EnterpriseDefect = (typeof ENTERPRISE_DEFECTS)[number];

/** Quality dimension (GB/T 36344, DB31/T 1523) the defect counts against. */
export type Dimension = 'normativeness' | 'completeness' | 'accuracy' | 'consistency';

/**
 * What a correct pipeline does: `fix` normalises to `expected`, `reject` quarantines the row, `flag` keeps
 * the row but marks it, `dedupe` drops it in favour of `duplicate_of`, `report` keeps it and counts it.
 */
export type Action = 'fix' | 'reject' | 'flag' | 'dedupe' | 'report';

export interface DefectKind {
  readonly dimension: Dimension;
  readonly action: Action;
}

export const RESIDENT_DEFECT_KINDS: Readonly<Record<ResidentDefect, DefectKind>> = {
  citizen_id_bad_check: { dimension: 'accuracy', action: 'reject' },
  citizen_id_bad_birth: { dimension: 'accuracy', action: 'reject' },
  citizen_id_legacy15: { dimension: 'normativeness', action: 'fix' },
  citizen_id_lower_x: { dimension: 'normativeness', action: 'fix' },
  fullwidth_digits: { dimension: 'normativeness', action: 'fix' },
  mobile_formatted: { dimension: 'normativeness', action: 'fix' },
  mobile_invalid: { dimension: 'accuracy', action: 'reject' },
  birth_date_format: { dimension: 'normativeness', action: 'fix' },
  birth_date_mismatch: { dimension: 'consistency', action: 'reject' },
  gender_mismatch: { dimension: 'consistency', action: 'reject' },
  street_alias: { dimension: 'normativeness', action: 'fix' },
  null_token: { dimension: 'completeness', action: 'report' },
  whitespace: { dimension: 'normativeness', action: 'fix' },
  duplicate: { dimension: 'accuracy', action: 'dedupe' },
};

export const ENTERPRISE_DEFECT_KINDS: Readonly<Record<EnterpriseDefect, DefectKind>> = {
  credit_code_bad_check: { dimension: 'accuracy', action: 'reject' },
  credit_code_lowercase: { dimension: 'normativeness', action: 'fix' },
  credit_code_pilot: { dimension: 'accuracy', action: 'flag' },
  capital_negative: { dimension: 'accuracy', action: 'reject' },
  established_future: { dimension: 'accuracy', action: 'reject' },
  established_format: { dimension: 'normativeness', action: 'fix' },
  street_alias: { dimension: 'normativeness', action: 'fix' },
  null_token: { dimension: 'completeness', action: 'report' },
  duplicate: { dimension: 'accuracy', action: 'dedupe' },
};

// Roughly 20% of residents and 17% of enterprises carry one defect: dozens of each kind per 10,000 rows.
export const DEFAULT_RESIDENT_RATES: Readonly<Record<ResidentDefect, number>> = {
  citizen_id_bad_check: 0.01,
  citizen_id_bad_birth: 0.01,
  citizen_id_legacy15: 0.01,
  citizen_id_lower_x: 0.01,
  fullwidth_digits: 0.01,
  mobile_formatted: 0.02,
  mobile_invalid: 0.01,
  birth_date_format: 0.02,
  birth_date_mismatch: 0.01,
  gender_mismatch: 0.01,
  street_alias: 0.02,
  null_token: 0.02,
  whitespace: 0.02,
  duplicate: 0.015,
};

export const DEFAULT_ENTERPRISE_RATES: Readonly<Record<EnterpriseDefect, number>> = {
  credit_code_bad_check: 0.02,
  credit_code_lowercase: 0.02,
  credit_code_pilot: 0.015,
  capital_negative: 0.015,
  established_future: 0.015,
  established_format: 0.02,
  street_alias: 0.02,
  null_token: 0.02,
  duplicate: 0.02,
};

/** Defaults overlaid with overrides; throws on unknown kinds, rates outside [0, 1] or a sum above 1. */
export function resolveRates<K extends string>(
  kinds: readonly K[],
  defaults: Readonly<Record<K, number>>,
  overrides: Readonly<Partial<Record<K, number>>> | undefined,
  label: string,
): Record<K, number> {
  const out = { ...defaults } as Record<K, number>;
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (!(kinds as readonly string[]).includes(key)) throw new RangeError(`${label}: unknown defect kind '${key}'`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(`${label}: rate for '${key}' must be a number in [0, 1], got ${String(value)}`);
    }
    out[key as K] = value;
  }
  let sum = 0;
  for (const k of kinds) sum += out[k];
  if (sum > 1 + 1e-9) throw new RangeError(`${label}: defect rates add up to ${sum}, more than 1`);
  return out;
}

/** One draw decides the row's single defect, or none. */
export function drawDefect<K extends string>(rng: Prng, kinds: readonly K[], rates: Readonly<Record<K, number>>): K | null {
  let u = rng.next();
  for (const k of kinds) {
    u -= rates[k];
    if (u < 0) return k;
  }
  return null;
}

/** Ground truth for one defective row. */
export interface DefectNote<K extends string> {
  readonly defect: K;
  /** The column that carries the defect. */
  readonly field: string;
  /** The value as written. */
  readonly value: string;
  /** For fixable defects: the value a correct normaliser produces. */
  readonly expected?: string;
  /** For duplicates: the key of the earlier row that survives. */
  readonly duplicateOf?: number;
}

export interface GeneratedRow<R, K extends string> {
  readonly row: R;
  readonly note: DefectNote<K> | null;
}
