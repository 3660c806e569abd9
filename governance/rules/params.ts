// Parameters of every rule, as plain types. These are the source the job-spec (zod) schema is written from.

/** A set of allowed values, inline or from a reference table the engine loads and passes in at compile time. */
export type SetSource = { readonly values: readonly string[] } | { readonly table: string };

/** Alias -> canonical value, inline or from a two-column reference table. */
export type MapSource = { readonly map: Readonly<Record<string, string>> } | { readonly table: string };

export type NoParams = Readonly<Record<string, never>>;

export interface NullTokensParams {
  /** Values that mean "missing"; default `'' NULL null N/A 无 - — 空`. Compared after trimming the ends. */
  readonly tokens?: readonly string[];
  /** Also match tokens whatever their letter case (`Null`, `n/a`). Default false. */
  readonly ignoreCase?: boolean;
}

export type ValueMapParams = MapSource;

export interface CitizenIdParams {
  /** Birth dates after this ISO date fail; default the compile-time `today`, else the clock. */
  readonly today?: string;
}

export interface CreditCodeParams {
  /** Early pilot codes that are legal although their check character fails: they pass this rule. */
  readonly pilots?: SetSource;
}

export interface CreditCodePilotParams {
  /** The known pilot codes; a listed code that fails the checksum is flagged. */
  readonly pilots: SetSource;
}

export interface OrganisationCodeParams {
  /** Accept the printed form `12345678-9` as well as `123456789`. Default true. */
  readonly allowHyphen?: boolean;
}

export interface LandlineParams {
  /** Accept a local number without its area code (`54881234`). Default false. */
  readonly allowLocal?: boolean;
  /** Accept an extension (`-123`, `转123`, `ext123`, `#123`). Default true. */
  readonly allowExtension?: boolean;
}

export interface DateParams {
  /** Inclusive ISO bounds. */
  readonly min?: string;
  readonly max?: string;
}

export interface TimestampParams {
  /** Require an explicit offset (`Z`, `+08:00`). Default false. */
  readonly requireOffset?: boolean;
}

export interface EnumParams {
  readonly values: readonly string[];
  readonly ignoreCase?: boolean;
}

export interface RegexParams {
  /**
   * ECMAScript pattern, searched for in the value: anchor it (`^...$`) to match the whole value. It runs
   * on a linear-time engine (RE2), so backreferences and lookaround are refused when the plan compiles.
   */
  readonly pattern: string;
  /** Any of `i m s u`; the stateful `g` and `y` are refused. */
  readonly flags?: string;
}

export interface LengthParams {
  /** Inclusive bounds in characters (code points, so a rare ideograph outside the BMP counts once). */
  readonly min?: number;
  readonly max?: number;
}

export interface RangeParams {
  /** Inclusive numeric bounds; values must be plain decimals (`-12`, `3.50`). */
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

export type CodeTableParams = SetSource;

export interface IdBirthParams {
  readonly citizenId: string;
  readonly birthDate: string;
}

export interface IdGenderParams {
  readonly citizenId: string;
  readonly gender: string;
  /** Values meaning male / female; defaults 男 M m 1 male / 女 F f 2 female. Other values are not judged. */
  readonly male?: readonly string[];
  readonly female?: readonly string[];
}

export interface TemporalOrderParams {
  /** Columns holding ISO dates or timestamps. */
  readonly start: string;
  readonly end: string;
  /** Whether start = end passes. Default true. */
  readonly allowEqual?: boolean;
}

export interface NotFutureParams {
  readonly column: string;
  /** ISO date; a value whose calendar date is after it fails. Default the compile-time `today`. */
  readonly today?: string;
}

export interface WithinDaysParams {
  readonly column: string;
  /** How many days old the date may be. */
  readonly days: number;
  /** ISO date to count back from. Default the compile-time `today`. */
  readonly today?: string;
}

export interface DatumParams {
  /** The datum the "lng,lat" values are in, and the one to rewrite them in. */
  readonly from: 'wgs84' | 'gcj02' | 'bd09';
  readonly to: 'wgs84' | 'gcj02' | 'bd09';
  /** Decimal places written; default 8 (about 1 mm). */
  readonly decimals?: number;
}

export interface GeoRangeParams {
  /** `china` (lng 73..136, lat 3..54, the default) or `world`. */
  readonly range?: 'china' | 'world';
}

export interface GeoInsideParams {
  /** A boundary the job names under `boundaries`. */
  readonly boundary: string;
  /** The datum of the values, when it is not the boundary's; default the boundary's. */
  readonly datum?: 'wgs84' | 'gcj02' | 'bd09';
}

/** Parameters by rule id. */
export interface RuleParamsById {
  'normalise.trim': NoParams;
  'normalise.remove_spaces': NoParams;
  'normalise.fullwidth_to_halfwidth': NoParams;
  'normalise.upper': NoParams;
  'normalise.lower': NoParams;
  'normalise.date': NoParams;
  'normalise.mobile': NoParams;
  'normalise.citizen_id': NoParams;
  'normalise.credit_code': NoParams;
  'normalise.null_tokens': NullTokensParams;
  'normalise.value_map': ValueMapParams;
  'normalise.datum': DatumParams;
  'citizen_id.valid': CitizenIdParams;
  'credit_code.valid': CreditCodeParams;
  'credit_code.pilot': CreditCodePilotParams;
  'organisation_code.valid': OrganisationCodeParams;
  'mobile.valid': NoParams;
  'landline.valid': LandlineParams;
  'phone.valid': LandlineParams;
  'email.valid': NoParams;
  'date.valid': DateParams;
  'timestamp.valid': TimestampParams;
  'value.required': NoParams;
  'value.enum': EnumParams;
  'value.regex': RegexParams;
  'value.length': LengthParams;
  'value.range': RangeParams;
  'value.code_table': CodeTableParams;
  'geo.range': GeoRangeParams;
  'geo.inside': GeoInsideParams;
  'geo.boundary': NoParams;
  'geo.town': NoParams;
  'deep.id_birth_consistency': IdBirthParams;
  'deep.id_gender_consistency': IdGenderParams;
  'deep.temporal_order': TemporalOrderParams;
  'deep.not_future': NotFutureParams;
  'deep.within_days': WithinDaysParams;
  'deep.duplicate': NoParams;
}

export type RuleId = keyof RuleParamsById;
