// The shape of a table's rule plan as a job spec states it (the lead's zod schema mirrors these types).
import type { Datum } from '../geo/datum.ts';
import type { DedupSpec } from './dedup.ts';
import type { RuleId, RuleParamsById } from './params.ts';

type RulesOfKind<P extends string> = Extract<RuleId, `${P}.${string}`>;

export type NormaliserId = RulesOfKind<'normalise'>;
/** `trim` for `normalise.trim`: inside a `normalise` list the prefix may be left out. */
export type NormaliserName = NormaliserId extends `normalise.${infer N}` ? N : never;
export type DeepId = Exclude<RulesOfKind<'deep'>, 'deep.duplicate'>;
export type ValidatorId = Exclude<RuleId, NormaliserId | RulesOfKind<'deep'>>;

// Rules whose parameters are all optional may omit `params`.
type ParamsField<Id extends RuleId> =
  Record<string, never> extends RuleParamsById[Id] ? { readonly params?: RuleParamsById[Id] } : { readonly params: RuleParamsById[Id] };

type BareId<Id extends RuleId> = Id extends RuleId ? (Record<string, never> extends RuleParamsById[Id] ? Id : never) : never;
type ShortName<Id> = Id extends `normalise.${infer N}` ? N : never;

export type NormaliserStep =
  | BareId<NormaliserId>
  | ShortName<BareId<NormaliserId>>
  | { [K in NormaliserId]: { readonly rule: K | ShortName<K> } & ParamsField<K> }[NormaliserId];

export type ValidatorStep =
  | BareId<ValidatorId>
  | { [K in ValidatorId]: { readonly rule: K; readonly severity?: 'reject' | 'flag' } & ParamsField<K> }[ValidatorId];

export type DeepStep = { [K in DeepId]: { readonly rule: K; readonly severity?: 'reject' | 'flag' } & ParamsField<K> }[DeepId];

export interface ColumnRules {
  /** Applied in order; each that changes the value counts as a `fix`. */
  readonly normalise?: readonly NormaliserStep[];
  /** Run on the normalised value; nulls are only seen by `value.required`. */
  readonly validate?: readonly ValidatorStep[];
}

/** Spatial governance of one point per row (see geo-step.ts). */
export interface GeoSpec {
  /** A column holding "lng,lat", or the two columns. */
  readonly point: string | { readonly lng: string; readonly lat: string };
  /** The datum the source is in; default wgs84. */
  readonly datum?: Datum;
  /** Rewrite the coordinates in this datum; default leave them. */
  readonly convertTo?: Datum;
  /** Decimal places of rewritten coordinates; default 8 (about 1 mm). */
  readonly decimals?: number;
  /** Default china. */
  readonly range?: 'china' | 'world';
  readonly inside?: { readonly boundary: string; readonly severity?: 'reject' | 'flag' };
  readonly town?: { readonly boundary: string; readonly column: string; readonly property?: string; readonly severity?: 'reject' | 'flag' };
  /** Default flag. */
  readonly onBoundary?: 'flag' | 'reject' | 'accept';
}

export interface TableRuleSpec {
  readonly columns?: Readonly<Record<string, ColumnRules>>;
  /** Record-level checks on the normalised row. */
  readonly deep?: readonly DeepStep[];
  /** De-duplication of rows that pass every rejecting rule. */
  readonly dedup?: DedupSpec;
  readonly geo?: GeoSpec;
}

/** A step as parsed from YAML, before the compiler has checked its id and parameters. */
export type LooseStep =
  | string
  | { readonly rule: string; readonly severity?: 'reject' | 'flag' | undefined; readonly params?: Readonly<Record<string, unknown>> | undefined };

/** TableRuleSpec with unchecked ids and parameters (a job spec's parsed YAML); compilePlan checks them. */
export interface LooseTableRuleSpec {
  readonly columns?: Readonly<Record<string, { readonly normalise?: readonly LooseStep[]; readonly validate?: readonly LooseStep[] }>>;
  readonly deep?: readonly LooseStep[];
  readonly dedup?: DedupSpec;
  readonly geo?: GeoSpec;
}
