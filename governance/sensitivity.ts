// Table-level sensitivity grading from the semantic types of its columns.
import type { SemanticType } from './semantic/detect.ts';

/** L1 public, L2 internal, L3 sensitive, L4 highly sensitive personal data. */
export type SensitivityLevel = 'L1' | 'L2' | 'L3' | 'L4';

export interface SensitivityGuess {
  level: SensitivityLevel;
  /** Why the table reached its level; only the rules of that level are listed. */
  reasons: string[];
}

/**
 * citizen_id -> L4; mobile, coordinate, or a name together with an address -> L3; credit_code, email,
 * address alone or a name alone -> L2; otherwise L1.
 */
export function guessSensitivity(semanticTypes: readonly (SemanticType | null)[]): SensitivityGuess {
  const present = new Set<SemanticType>();
  for (const t of semanticTypes) if (t !== null) present.add(t);
  const has = (t: SemanticType): boolean => present.has(t);
  const include = (t: SemanticType): string => `column types include ${t}`;

  if (has('citizen_id')) return { level: 'L4', reasons: [include('citizen_id')] };

  const l3: string[] = [];
  if (has('mobile')) l3.push(include('mobile'));
  if (has('chinese_name') && has('address')) l3.push('column types include chinese_name and address');
  if (has('coordinate')) l3.push(include('coordinate'));
  if (l3.length > 0) return { level: 'L3', reasons: l3 };

  const l2: string[] = [];
  for (const t of ['credit_code', 'email', 'address', 'chinese_name'] as const) {
    if (has(t)) l2.push(include(t));
  }
  if (l2.length > 0) return { level: 'L2', reasons: l2 };

  return { level: 'L1', reasons: ['no personal or identifying column types found'] };
}
