// What each field of an entity is, how its raw department value becomes the governed one, and the
// fields each entity type compares by.
import { citizenIdCheckChar } from '../semantic/citizen-id.ts';
import { creditCodeCheckChar } from '../semantic/credit-code.ts';
import { citizenId, creditCode, date, DEFAULT_NULL_TOKENS, fullwidthToHalfwidth, mobile, removeSpaces, trim } from '../rules/normalisers.ts';
import { isBareMobile } from '../semantic/mobile.ts';
import { isIsoDate } from '../semantic/dates.ts';
import { parseMinhangAddress } from '../address/minhang.ts';

export const FIELD_KINDS = ['citizenId', 'creditCode', 'personName', 'orgName', 'mobile', 'date', 'gender', 'address', 'text'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export const ENTITY_TYPES = ['person', 'enterprise'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** The fields an entity type is matched on, by their canonical names; a source maps its columns onto them. */
export const ENTITY_FIELDS: Readonly<Record<EntityType, Readonly<Record<string, FieldKind>>>> = {
  person: { citizen_id: 'citizenId', name: 'personName', birth_date: 'date', gender: 'gender', mobile: 'mobile', address: 'address' },
  enterprise: { credit_code: 'creditCode', name: 'orgName', legal_person: 'personName', phone: 'mobile', address: 'address' },
};

/** The field that identifies an entity outright when present and valid. */
export const ENTITY_KEY: Readonly<Record<EntityType, string>> = { person: 'citizen_id', enterprise: 'credit_code' };

const GENDERS: Readonly<Record<string, string>> = {
  男: '男',
  女: '女',
  M: '男',
  F: '女',
  MALE: '男',
  FEMALE: '女',
  '1': '男',
  '2': '女',
  男性: '男',
  女性: '女',
};

/** Values departments write for "nothing": the rule library's null tokens, any case, and a few more registers use. */
const EMPTY = new Set([...DEFAULT_NULL_TOKENS, 'NA', '/', '不详', '未知'].map((t) => t.toUpperCase()));

/** The longest of them: a longer value is not one, and needs no upper-cased copy to tell. */
const EMPTY_LONGEST = Math.max(...[...EMPTY].map((t) => t.length));

function blank(value: string | null): boolean {
  return value === null || (value.length <= EMPTY_LONGEST && EMPTY.has(value.toUpperCase()));
}

/**
 * The governed form of a raw value (null for empty): IDs half-width upper case, mobiles bare, dates ISO,
 * gender 男/女, names and addresses without stray spaces. A value that cannot be read keeps its trimmed
 * text, so it still shows (and disagrees) rather than vanishing.
 */
export function normaliseValue(kind: FieldKind, raw: string | null): string | null {
  const v = trim(fullwidthToHalfwidth(raw));
  if (blank(v)) return null;
  switch (kind) {
    case 'citizenId':
      return citizenId(v);
    case 'creditCode':
      return creditCode(v);
    case 'mobile':
      return mobile(v);
    case 'date':
      return date(v);
    case 'gender':
      return GENDERS[v!.toUpperCase()] ?? v;
    case 'address': {
      // The canonical Minhang form (闵行区<town><road><number>...) when the parser finds a road; else as written.
      const parsed = parseMinhangAddress(v!);
      return parsed.road ? parsed.normalised : removeSpaces(v);
    }
    case 'personName':
    case 'orgName':
      return removeSpaces(v);
    default:
      return v;
  }
}

/** A normalised citizen ID or credit code's first 17 characters, when they are well formed (the check character may still be wrong). */
export function keyStem(kind: 'citizenId' | 'creditCode', value: string | null): string | null {
  if (value === null || value.length !== 18) return null;
  const stem = value.slice(0, 17);
  if (kind === 'citizenId' ? !/^\d{17}$/.test(stem) : !/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(stem)) return null;
  return stem;
}

/** Whether a normalised ID's check character is right. */
export function keyChecks(kind: 'citizenId' | 'creditCode', value: string): boolean {
  const stem = keyStem(kind, value);
  if (stem === null) return false;
  return (kind === 'citizenId' ? citizenIdCheckChar(stem) : creditCodeCheckChar(stem)) === value[17];
}

export function isUsableMobile(value: string | null): value is string {
  return value !== null && isBareMobile(value);
}

export function isUsableDate(value: string | null): value is string {
  return value !== null && isIsoDate(value);
}
