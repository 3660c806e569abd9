// The catalogue of rules: id, kind, default severity, reason, quality dimension, parameters and a factory.
import {
  DUPLICATE_REASON,
  ID_BIRTH_REASON,
  ID_GENDER_REASON,
  NOT_FUTURE_REASON,
  STALE_REASON,
  TEMPORAL_ORDER_REASONS,
  idBirthConsistency,
  idGenderConsistency,
  notFuture,
  temporalOrder,
  withinDays,
} from './deep.ts';
import { DATUMS, type Datum } from '../geo/datum.ts';
import type { Boundary } from '../geo/boundary.ts';
import {
  datumNormaliser,
  GEO_BOUNDARY_REASONS,
  GEO_INSIDE_REASON,
  GEO_RANGE_REASONS,
  GEO_TOWN_REASON,
  geoInsideValidator,
  geoRangeValidator,
} from './geo-rules.ts';
import { SIMPLE_NORMALISERS, nullTokens, valueMap, type SimpleNormaliserName } from './normalisers.ts';
import { ParamReader, RuleParamError, readMapSource, readSetSource } from './param-reader.ts';
import type { MapSource, RuleId, SetSource } from './params.ts';
import { closeMatches } from './suggest.ts';
import type { DeepFn, Dimension, NormaliseFn, Reason, RuleKind, Severity, ValidateFn } from './types.ts';
import {
  CITIZEN_ID_REASONS,
  CODE_TABLE_REASONS,
  CREDIT_CODE_REASONS,
  DATE_REASONS,
  EMAIL_REASONS,
  ENUM_REASONS,
  LANDLINE_REASONS,
  LENGTH_REASONS,
  MOBILE_REASONS,
  ORGANISATION_CODE_REASONS,
  PHONE_REASONS,
  RANGE_REASONS,
  REQUIRED_REASONS,
  TIMESTAMP_REASONS,
  citizenIdValidator,
  codeTableValidator,
  creditCodePilotValidator,
  creditCodeValidator,
  dateValidator,
  emailValidator,
  enumValidator,
  landlineValidator,
  lengthValidator,
  mobileValidator,
  organisationCodeValidator,
  phoneValidator,
  rangeValidator,
  regexValidator,
  requiredValidator,
  timestampValidator,
} from './validators.ts';

/** What a rule factory may ask of the plan compiler. Each method throws RuleParamError on a bad reference. */
export interface RuleEnv {
  /** Index of a column named in the rule's params. */
  column(name: string): number;
  set(source: SetSource): ReadonlySet<string>;
  map(source: MapSource): ReadonlyMap<string, string>;
  /** `explicit`, else the compile-time today, else undefined. */
  today(explicit: string | undefined): string | undefined;
  /** A boundary the job names under `boundaries`. */
  boundary(name: string): Boundary;
}

function readDatum(r: ParamReader, key: string): Datum | undefined {
  const v = r.optString(key);
  if (v !== undefined && !DATUMS.includes(v as Datum)) throw new RuleParamError(`params.${key} must be one of ${DATUMS.join(', ')}, got '${v}'`);
  return v as Datum | undefined;
}

function readRange(r: ParamReader): 'china' | 'world' {
  const v = r.optString('range') ?? 'china';
  if (v !== 'china' && v !== 'world') throw new RuleParamError(`params.range must be china or world, got '${v}'`);
  return v;
}

interface RuleBase<K extends RuleKind> {
  readonly id: RuleId;
  readonly kind: K;
  readonly severity: Severity;
  readonly dimension: Dimension;
  /** The general reason; validators and deep checks may report a more specific one from `reasons`. */
  readonly reason: Reason;
  /** The parameter type, as documentation (the types themselves are in params.ts). */
  readonly params: string;
}

export interface NormaliserRule extends RuleBase<'normaliser'> {
  create(params: unknown, env: RuleEnv): NormaliseFn;
}

export interface ValidatorRule extends RuleBase<'validator'> {
  /** Only `value.required` sees null values; the engine skips nulls (not evaluated) for the rest. */
  readonly acceptsNull: boolean;
  readonly reasons: readonly Reason[];
  create(params: unknown, env: RuleEnv): ValidateFn;
}

export interface DeepRule extends RuleBase<'deep'> {
  readonly reasons: readonly Reason[];
  /** Columns the check reads (named in its params). */
  inputs(params: unknown): string[];
  create(params: unknown, env: RuleEnv): DeepFn;
}

export type Rule = NormaliserRule | ValidatorRule | DeepRule;

const NO_PARAMS = '{}';
const SET_SOURCE = '{ values: string[] } | { table: string }';

function simple(name: SimpleNormaliserName, zh: string, en: string, dimension: Dimension = 'normativeness'): NormaliserRule {
  const fn = SIMPLE_NORMALISERS[name];
  return {
    id: `normalise.${name}` as RuleId,
    kind: 'normaliser',
    severity: 'fix',
    dimension,
    reason: { zh, en },
    params: NO_PARAMS,
    create(params) {
      new ParamReader(params, []);
      return fn;
    },
  };
}

const NORMALISERS: readonly NormaliserRule[] = [
  simple('trim', '去除首尾空白并合并连续空白', 'trimmed and collapsed white space'),
  simple('remove_spaces', '去除全部空白', 'removed all white space'),
  simple('fullwidth_to_halfwidth', '全角字符转半角', 'full-width characters to half-width'),
  simple('upper', '转为大写', 'upper-cased'),
  simple('lower', '转为小写', 'lower-cased'),
  simple('date', '日期转为YYYY-MM-DD格式', 'date rewritten as yyyy-mm-dd'),
  simple('mobile', '手机号码去除分隔符和国家代码', 'mobile number stripped of separators and country code'),
  simple('citizen_id', '公民身份号码规范化（大写X、全角转半角、15位升18位）', 'citizen ID normalised (upper-case X, half-width, 15 to 18 digits)'),
  simple('credit_code', '统一社会信用代码规范化（大写、全角转半角）', 'credit code normalised (upper case, half-width)'),
  {
    id: 'normalise.null_tokens',
    kind: 'normaliser',
    severity: 'fix',
    dimension: 'completeness',
    reason: { zh: '空值标记转为空值', en: 'null token (NULL, 无, -, ...) replaced by null' },
    params: '{ tokens?: string[]; ignoreCase?: boolean }',
    create(params) {
      const r = new ParamReader(params, ['tokens', 'ignoreCase']);
      return nullTokens(r.optStringArray('tokens'), r.optBoolean('ignoreCase') ?? false);
    },
  },
  {
    id: 'normalise.value_map',
    kind: 'normaliser',
    severity: 'fix',
    dimension: 'normativeness',
    reason: { zh: '别名替换为标准值', en: 'alias replaced by its canonical value' },
    params: '{ map: Record<string, string> } | { table: string }',
    create(params, env) {
      return valueMap(env.map(readMapSource(params, 'normalise.value_map params')));
    },
  },
  {
    id: 'normalise.datum',
    kind: 'normaliser',
    severity: 'fix',
    dimension: 'normativeness',
    reason: { zh: '坐标转换到目标坐标系', en: 'coordinates converted to the target datum' },
    params: "{ from: 'wgs84' | 'gcj02' | 'bd09'; to: 'wgs84' | 'gcj02' | 'bd09'; decimals?: number }",
    create(params) {
      const r = new ParamReader(params, ['from', 'to', 'decimals']);
      const from = readDatum(r, 'from');
      const to = readDatum(r, 'to');
      if (from === undefined || to === undefined) throw new RuleParamError('needs params.from and params.to');
      const decimals = r.optNumber('decimals') ?? 8;
      if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) throw new RuleParamError('params.decimals must be a whole number from 0 to 12');
      return datumNormaliser(from, to, decimals);
    },
  },
];

function validator(
  id: RuleId,
  dimension: Dimension,
  reasons: readonly Reason[],
  params: string,
  create: (r: ParamReader, env: RuleEnv, raw: unknown) => ValidateFn,
  keys: readonly string[] = [],
): ValidatorRule {
  return {
    id,
    kind: 'validator',
    severity: 'reject',
    dimension,
    reason: reasons[0]!,
    reasons,
    params,
    acceptsNull: false,
    create: (p, env) => create(new ParamReader(p, keys), env, p),
  };
}

const VALIDATORS: readonly ValidatorRule[] = [
  validator(
    'citizen_id.valid',
    'accuracy',
    [CITIZEN_ID_REASONS.check, CITIZEN_ID_REASONS.length, CITIZEN_ID_REASONS.charset, CITIZEN_ID_REASONS.birth, CITIZEN_ID_REASONS.area],
    '{ today?: string }',
    (r, env) => citizenIdValidator(env.today(r.optIsoDate('today'))),
    ['today'],
  ),
  validator(
    'credit_code.valid',
    'accuracy',
    [CREDIT_CODE_REASONS.check, CREDIT_CODE_REASONS.length, CREDIT_CODE_REASONS.charset],
    `{ pilots?: ${SET_SOURCE} }`,
    (r, env) => creditCodeValidator(r.has('pilots') ? env.set(readSetSource(r.raw('pilots'), 'params.pilots')) : undefined),
    ['pilots'],
  ),
  {
    ...validator(
      'credit_code.pilot',
      'accuracy',
      [CREDIT_CODE_REASONS.pilot],
      `{ pilots: ${SET_SOURCE} }`,
      (r, env) => creditCodePilotValidator(env.set(readSetSource(r.raw('pilots'), 'params.pilots'))),
      ['pilots'],
    ),
    severity: 'flag',
  },
  validator(
    'organisation_code.valid',
    'accuracy',
    Object.values(ORGANISATION_CODE_REASONS),
    '{ allowHyphen?: boolean }',
    (r) => organisationCodeValidator(r.optBoolean('allowHyphen') ?? true),
    ['allowHyphen'],
  ),
  validator('mobile.valid', 'accuracy', Object.values(MOBILE_REASONS), NO_PARAMS, () => mobileValidator()),
  validator(
    'landline.valid',
    'accuracy',
    Object.values(LANDLINE_REASONS),
    '{ allowLocal?: boolean; allowExtension?: boolean }',
    (r) => landlineValidator(r.optBoolean('allowLocal') ?? false, r.optBoolean('allowExtension') ?? true),
    ['allowLocal', 'allowExtension'],
  ),
  validator(
    'phone.valid',
    'accuracy',
    Object.values(PHONE_REASONS),
    '{ allowLocal?: boolean; allowExtension?: boolean }',
    (r) => phoneValidator(r.optBoolean('allowLocal') ?? false, r.optBoolean('allowExtension') ?? true),
    ['allowLocal', 'allowExtension'],
  ),
  validator('email.valid', 'normativeness', Object.values(EMAIL_REASONS), NO_PARAMS, () => emailValidator()),
  validator(
    'date.valid',
    'normativeness',
    Object.values(DATE_REASONS),
    '{ min?: string; max?: string }',
    (r) => {
      const min = r.optIsoDate('min');
      const max = r.optIsoDate('max');
      if (min !== undefined && max !== undefined && min > max) throw new RuleParamError(`params.min ${min} is after params.max ${max}`);
      return dateValidator(min, max);
    },
    ['min', 'max'],
  ),
  validator(
    'timestamp.valid',
    'normativeness',
    Object.values(TIMESTAMP_REASONS),
    '{ requireOffset?: boolean }',
    (r) => timestampValidator(r.optBoolean('requireOffset') ?? false),
    ['requireOffset'],
  ),
  {
    ...validator('value.required', 'completeness', Object.values(REQUIRED_REASONS), NO_PARAMS, () => requiredValidator() as ValidateFn),
    acceptsNull: true,
  },
  validator(
    'value.enum',
    'normativeness',
    Object.values(ENUM_REASONS),
    '{ values: string[]; ignoreCase?: boolean }',
    (r) => {
      const values = r.stringArray('values');
      if (values.length === 0) throw new RuleParamError('params.values must list at least one value');
      return enumValidator(values, r.optBoolean('ignoreCase') ?? false);
    },
    ['values', 'ignoreCase'],
  ),
  validator(
    'value.regex',
    'normativeness',
    [{ zh: '格式不符合规则', en: 'value does not match the pattern' }],
    '{ pattern: string; flags?: string }',
    (r) => {
      try {
        return regexValidator(r.string('pattern'), r.optString('flags'));
      } catch (e) {
        throw e instanceof RuleParamError ? e : new RuleParamError((e as Error).message);
      }
    },
    ['pattern', 'flags'],
  ),
  validator(
    'value.length',
    'normativeness',
    Object.values(LENGTH_REASONS),
    '{ min?: number; max?: number }',
    (r) => {
      const min = r.optNumber('min');
      const max = r.optNumber('max');
      if (min === undefined && max === undefined) throw new RuleParamError('needs params.min or params.max');
      if (min !== undefined && max !== undefined && min > max) throw new RuleParamError(`params.min ${min} exceeds params.max ${max}`);
      return lengthValidator(min, max);
    },
    ['min', 'max'],
  ),
  validator(
    'value.range',
    'accuracy',
    Object.values(RANGE_REASONS),
    '{ min?: number; max?: number; integer?: boolean }',
    (r) => {
      const min = r.optNumber('min');
      const max = r.optNumber('max');
      if (min !== undefined && max !== undefined && min > max) throw new RuleParamError(`params.min ${min} exceeds params.max ${max}`);
      return rangeValidator(min, max, r.optBoolean('integer') ?? false);
    },
    ['min', 'max', 'integer'],
  ),
  validator(
    'value.code_table',
    'normativeness',
    Object.values(CODE_TABLE_REASONS),
    SET_SOURCE,
    (_r, env, raw) => codeTableValidator(env.set(readSetSource(raw, 'value.code_table params'))),
    ['values', 'table'],
  ),
  validator('geo.range', 'accuracy', Object.values(GEO_RANGE_REASONS), "{ range?: 'china' | 'world' }", (r) => geoRangeValidator(readRange(r)), ['range']),
  validator(
    'geo.inside',
    'accuracy',
    [GEO_INSIDE_REASON, GEO_RANGE_REASONS.unreadable],
    "{ boundary: string; datum?: 'wgs84' | 'gcj02' | 'bd09' }",
    (r, env) => {
      const boundary = env.boundary(r.string('boundary'));
      return geoInsideValidator(boundary, readDatum(r, 'datum') ?? boundary.datum);
    },
    ['boundary', 'datum'],
  ),
  {
    ...validator('geo.boundary', 'accuracy', Object.values(GEO_BOUNDARY_REASONS), "{} (configured by the plan's geo section)", () => {
      throw new RuleParamError("boundary points are reported by the plan's geo section (onBoundary), not as a column rule");
    }),
    severity: 'flag',
  },
  {
    ...validator('geo.town', 'completeness', [GEO_TOWN_REASON], "{} (configured by the plan's geo section)", () => {
      throw new RuleParamError("town assignment is configured in the plan's geo section (geo.town), not as a column rule");
    }),
    severity: 'flag',
  },
];

function deep(
  id: RuleId,
  dimension: Dimension,
  reasons: readonly Reason[],
  params: string,
  columnKeys: readonly string[],
  otherKeys: readonly string[],
  create: (r: ParamReader, cols: number[], env: RuleEnv) => DeepFn,
): DeepRule {
  const allowed = [...columnKeys, ...otherKeys];
  return {
    id,
    kind: 'deep',
    severity: 'reject',
    dimension,
    reason: reasons[0]!,
    reasons,
    params,
    inputs: (p) => {
      const r = new ParamReader(p, allowed);
      return columnKeys.map((k) => r.string(k));
    },
    create: (p, env) => {
      const r = new ParamReader(p, allowed);
      return create(
        r,
        columnKeys.map((k) => env.column(r.string(k))),
        env,
      );
    },
  };
}

const DEEP: readonly DeepRule[] = [
  deep(
    'deep.id_birth_consistency',
    'consistency',
    [ID_BIRTH_REASON],
    '{ citizenId: string; birthDate: string }',
    ['citizenId', 'birthDate'],
    [],
    (_r, [id, birth]) => idBirthConsistency(id!, birth!),
  ),
  deep(
    'deep.id_gender_consistency',
    'consistency',
    [ID_GENDER_REASON],
    '{ citizenId: string; gender: string; male?: string[]; female?: string[] }',
    ['citizenId', 'gender'],
    ['male', 'female'],
    (r, [id, gender]) => idGenderConsistency(id!, gender!, r.optStringArray('male'), r.optStringArray('female')),
  ),
  deep(
    'deep.temporal_order',
    'consistency',
    Object.values(TEMPORAL_ORDER_REASONS),
    '{ start: string; end: string; allowEqual?: boolean }',
    ['start', 'end'],
    ['allowEqual'],
    (r, [start, end]) => temporalOrder(start!, end!, r.optBoolean('allowEqual') ?? true),
  ),
  deep('deep.not_future', 'accuracy', [NOT_FUTURE_REASON], '{ column: string; today?: string }', ['column'], ['today'], (r, [column], env) => {
    const today = env.today(r.optIsoDate('today'));
    if (today === undefined) throw new RuleParamError('needs params.today or a compile-time today: the rule library reads no clock');
    return notFuture(column!, today);
  }),
  deep(
    'deep.within_days',
    'timeliness',
    [STALE_REASON],
    '{ column: string; days: number; today?: string }',
    ['column'],
    ['days', 'today'],
    (r, [column], env) => {
      const today = env.today(r.optIsoDate('today'));
      if (today === undefined) throw new RuleParamError('needs params.today or a compile-time today: the rule library reads no clock');
      const days = r.optNumber('days');
      if (days === undefined || !Number.isInteger(days) || days < 0) throw new RuleParamError('params.days must be a whole number of days (0 or more)');
      return withinDays(column!, today, days);
    },
  ),
  deep('deep.duplicate', 'uniqueness', [DUPLICATE_REASON], "{} (configured by the plan's dedup section)", [], [], () => {
    throw new RuleParamError("de-duplication is configured in the plan's dedup section, not as a deep check");
  }),
];

/** Every rule, normalisers first. */
export const RULES: readonly Rule[] = [...NORMALISERS, ...VALIDATORS, ...DEEP];

const BY_ID = new Map<string, Rule>(RULES.map((r) => [r.id, r]));

export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/** The rule with this id; an unknown id throws, naming the closest ids. */
export function ruleById(id: string): Rule {
  const rule = BY_ID.get(id);
  if (rule) return rule;
  const near = closeMatches(id, BY_ID.keys());
  throw new RangeError(`unknown rule '${id}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`);
}
