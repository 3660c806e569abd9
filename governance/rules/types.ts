// Vocabulary shared by the rule library: severities, quality dimensions, reasons and rule function shapes.

/** What happens to a row when a rule fires: normalisers `fix`; validators and deep checks `reject` or `flag`. */
export type Severity = 'reject' | 'flag' | 'fix';

/** Quality dimensions of GB/T 36344-2018 and DB31/T 1523-2024 that a rule's pass rate feeds. */
export type Dimension = 'completeness' | 'normativeness' | 'accuracy' | 'consistency' | 'uniqueness' | 'timeliness';

export type RuleKind = 'normaliser' | 'validator' | 'deep';

/** A human reason, in Chinese for the centre's staff and English for logs and code. */
export interface Reason {
  readonly zh: string;
  readonly en: string;
}

/**
 * Returns the normalised value. Contract: when there is nothing to change it returns its input itself,
 * so `result !== input` tells the engine that a fix happened. Null in, null out.
 */
export type NormaliseFn = (value: string | null) => string | null;

/** `null` when the value passes, otherwise why it fails. Called with non-null values unless the rule accepts null. */
export type ValidateFn = (value: string) => Reason | null;

/**
 * A record-level check over the (normalised) row. `null` passes, a Reason fails, `undefined` means the check
 * does not apply to this row (an input is missing or unparseable) and is not counted as evaluated.
 */
export type DeepFn = (row: readonly (string | null)[]) => Reason | null | undefined;

/** A caller-chosen handle on a row (source line number, ordinal, key sequence): any integer up to 2^53. */
export type RowRef = number;

/** A named reference table as the engine loaded it: a set of codes, or alias -> canonical value. */
export type ReferenceTable = ReadonlySet<string> | ReadonlyMap<string, string>;

import type { Boundary } from '../geo/boundary.ts';

/** What a plan may draw on when it is compiled; nothing is read at row time. */
export interface CompileContext {
  /** Reference tables named by `{ table: name }` parameters. */
  readonly tables?: Readonly<Record<string, ReferenceTable>>;
  /** ISO date used as "today" by rules whose params omit it. Without one, deep.not_future will not compile and citizen_id.valid reads the clock. */
  readonly today?: string;
  /** Boundaries (districts, towns) named by the geo rules. */
  readonly boundaries?: Readonly<Record<string, Boundary>>;
}
