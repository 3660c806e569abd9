// One person as one department wrote them down: its headers' order, its date and gender styles, and defects.

import type { AddressParts } from './addresses.ts';
import { dayNumber, formatDateAs, isoDate } from './dates.ts';

const SHANGHAI_OFFSET_S = 8 * 3600;
import type { FusionPerson } from './fusion-population.ts';
import { DEFECT, FUSION_FIELDS, type DateStyle, type FusionField, type FusionRates, type GenderStyle, type SourceSpec } from './fusion-spec.ts';
import type { Prng } from './prng.ts';
import { SIMILAR_CHARS, TRADITIONAL_CHARS } from './similar-chars.ts';
import { toFullWidth } from './text.ts';

const F = Object.fromEntries(FUSION_FIELDS.map((f, i) => [f, i])) as Record<FusionField, number>;
export const FIELD_INDEX: Readonly<Record<FusionField, number>> = F;

export interface ResolvedSource {
  readonly spec: SourceSpec;
  readonly index: number;
  /** position in the source's columns → index into FUSION_FIELDS. */
  readonly order: readonly number[];
  /** FUSION_FIELDS index → position in the source's columns. */
  readonly positionOf: readonly number[];
  readonly dateStyles: readonly DateStyle[];
  readonly dateWeights: readonly number[];
  readonly genderStyles: readonly GenderStyle[];
  readonly genderWeights: readonly number[];
}

export function resolveSource(spec: SourceSpec, index: number): ResolvedSource {
  const fields = spec.columns.map((c) => c.field);
  const missing = FUSION_FIELDS.filter((f) => !fields.includes(f));
  if (missing.length > 0 || fields.length !== FUSION_FIELDS.length) {
    throw new RangeError(`source ${spec.name} must name each of ${FUSION_FIELDS.join(', ')} once (missing: ${missing.join(', ') || 'none'})`);
  }
  const order = fields.map((f) => F[f]);
  const positionOf = FUSION_FIELDS.map((f) => fields.indexOf(f));
  const dates = Object.entries(spec.dateStyles) as [DateStyle, number][];
  const genders = Object.entries(spec.genderStyles) as [GenderStyle, number][];
  return {
    spec,
    index,
    order,
    positionOf,
    dateStyles: dates.map(([s]) => s),
    dateWeights: dates.map(([, w]) => w),
    genderStyles: genders.map(([s]) => s),
    genderWeights: genders.map(([, w]) => w),
  };
}

const CHECK_CHARS = [...'0123456789X'];

function typo(rng: Prng, name: string): string {
  const at = rng.int(0, name.length - 1);
  const options = SIMILAR_CHARS.get(name[at]!);
  if (!options) return name;
  return name.slice(0, at) + rng.pick(options) + name.slice(at + 1);
}

function traditional(name: string): string {
  let out = '';
  for (const c of name) out += TRADITIONAL_CHARS.get(c) ?? c;
  return out;
}

/** Swaps two adjacent digits after the 3-digit prefix that differ, so the number really changes. */
function transpose(rng: Prng, mobile: string): string {
  const start = rng.int(3, 9);
  for (let k = 0; k < 7; k++) {
    const i = 3 + ((start - 3 + k) % 7);
    if (mobile[i] !== mobile[i + 1]) return mobile.slice(0, i) + mobile[i + 1] + mobile[i] + mobile.slice(i + 2);
  }
  return mobile;
}

const isMobile = (s: string): boolean => s.length === 11 && s.charCodeAt(0) === 49; // '1'

function gender(male: boolean, style: GenderStyle): string {
  if (style === 'digit') return male ? '1' : '2';
  if (style === 'letter') return male ? 'M' : 'F';
  return male ? '男' : '女';
}

// Formatting through Date objects was a fifth of the generator's time: cache each day's forms instead.
const CACHE_FROM = dayNumber('1900-01-01');
const CACHE_TO = dayNumber('2100-01-01');
const dayCache = new Map<string, string[]>();

function cachedDay(day: number, style: DateStyle): string {
  if (day < CACHE_FROM || day >= CACHE_TO) return style === 'iso' ? isoDate(day) : formatDateAs(day, style);
  let forms = dayCache.get(style);
  if (forms === undefined) {
    forms = [];
    dayCache.set(style, forms);
  }
  const i = day - CACHE_FROM;
  let text = forms[i];
  if (text === undefined) {
    text = style === 'iso' ? isoDate(day) : formatDateAs(day, style);
    forms[i] = text;
  }
  return text;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `2024-03-05 08:12:33` (Shanghai) or `2024-03-05T08:12:33+08:00`; the same text as shanghaiTimestamp. */
export function timestamp(epochSeconds: number, style: 'local' | 'iso'): string {
  const local = epochSeconds + SHANGHAI_OFFSET_S;
  const day = Math.floor(local / 86_400);
  const secs = local - day * 86_400;
  const hms = `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor(secs / 60) % 60)}:${pad2(secs % 60)}`;
  const date = cachedDay(day, 'iso');
  return style === 'iso' ? `${date}T${hms}+08:00` : `${date} ${hms}`;
}

/**
 * The address in one of the ways people write it: with or without 上海市/闵行区, with the town's full name,
 * its short form or neither, 号楼 for 号, `5-1203` for `5号1203室`, 室 left off; sometimes full-width
 * digits or no room at all (those two are counted as defects).
 */
export function renderAddress(rng: Prng, a: AddressParts, fullWidth: boolean, noRoom: boolean): string {
  const p = rng.next();
  const prefix = p < 0.45 ? '上海市闵行区' : p < 0.65 ? '闵行区' : p < 0.72 ? '上海市' : '';
  const t = rng.next();
  const town = t < 0.4 ? a.street.name : t < 0.7 ? a.street.alias : '';
  const room = noRoom ? null : a.room;
  let tail: string;
  const s = rng.next();
  if (a.lane !== null && room !== null && s < 0.1) tail = `${a.lane}弄${a.number}-${room}`;
  else if (a.lane !== null && s < 0.2) tail = `${a.lane}弄${a.number}号楼${room === null ? '' : `${room}室`}`;
  else {
    const lane = a.lane === null ? '' : `${a.lane}弄`;
    tail = `${lane}${a.number}号${room === null ? '' : s < 0.3 ? room : `${room}室`}`;
  }
  return prefix + town + a.road + (fullWidth ? toFullWidth(tail) : tail);
}

export interface RenderOverrides {
  readonly address?: AddressParts;
  readonly phone?: string;
}

/** Values in FUSION_FIELDS order and the defect bits; `duplicate` is the caller's to add. */
export function renderFields(
  rng: Prng,
  person: FusionPerson,
  src: ResolvedSource,
  rates: FusionRates,
  recordId: string,
  updatedAt: number,
  overrides: RenderOverrides = {},
): { fields: string[]; defects: number } {
  let defects = 0;

  let name = person.name;
  let u = rng.next();
  if (u < rates.nameTypo) {
    name = typo(rng, name);
    defects |= DEFECT.nameTypo;
  } else if (u < rates.nameTypo + rates.nameTraditional) {
    const t = traditional(name);
    if (t !== name) {
      name = t;
      defects |= DEFECT.nameTraditional;
    }
  }

  let id = person.citizenId;
  u = rng.next();
  if (u < rates.idMissing) {
    id = '';
    defects |= DEFECT.idMissing;
  } else if (u < rates.idMissing + rates.idBadCheck) {
    const right = id[17];
    let wrong = rng.pick(CHECK_CHARS);
    while (wrong === right) wrong = rng.pick(CHECK_CHARS);
    id = id.slice(0, 17) + wrong;
    defects |= DEFECT.idBadCheck;
  }

  let phone = overrides.phone ?? person.phone;
  if (phone !== '' && phone !== person.mobile && overrides.phone === undefined) defects |= DEFECT.sharedPhone;
  u = rng.next();
  if (phone !== '') {
    if (u < rates.mobileMissing) {
      phone = '';
      defects |= DEFECT.mobileMissing;
    } else if (u < rates.mobileMissing + rates.mobileTransposed && isMobile(phone)) {
      phone = transpose(rng, phone);
      defects |= DEFECT.mobileTransposed;
    }
  }

  let home = overrides.address ?? person.address;
  if (overrides.address === undefined && person.previousAddress !== null && updatedAt < person.movedAt!) {
    home = person.previousAddress;
    defects |= DEFECT.previousAddress;
  }
  const fullWidth = rng.chance(rates.addressFullWidth);
  const noRoom = home.room !== null && rng.chance(rates.addressNoRoom);
  if (fullWidth) defects |= DEFECT.addressFullWidth;
  if (noRoom) defects |= DEFECT.addressNoRoom;
  let address = renderAddress(rng, home, fullWidth, noRoom);

  u = rng.next();
  if (u < rates.swapNameAddress) {
    [name, address] = [address, name];
    defects |= DEFECT.swapNameAddress;
  } else if (u < rates.swapNameAddress + rates.mobileInId && phone !== '') {
    id = phone;
    phone = '';
    defects = (defects & ~(DEFECT.idMissing | DEFECT.idBadCheck)) | DEFECT.mobileInId;
  }

  const fields = new Array<string>(FUSION_FIELDS.length);
  fields[F.record_id] = recordId;
  fields[F.name] = name;
  fields[F.citizen_id] = id;
  fields[F.mobile] = phone;
  fields[F.birth_date] = cachedDay(person.birthDay, rng.weighted(src.dateStyles, src.dateWeights));
  fields[F.gender] = gender(person.male, rng.weighted(src.genderStyles, src.genderWeights));
  fields[F.address] = address;
  fields[F.updated_at] = timestamp(updatedAt, src.spec.timestampStyle);
  return { fields, defects };
}

/** FUSION_FIELDS-ordered values to the source's column order. */
export function toColumnOrder(src: ResolvedSource, fields: readonly string[]): string[] {
  return src.order.map((i) => fields[i]!);
}
