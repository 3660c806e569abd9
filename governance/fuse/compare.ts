// Field-by-field comparison of two records: each field gives an agreement level and a weight (the log
// odds, in bits, that two records agreeing so are the same entity); the pair's score is their sum. A
// field empty on either side says nothing (weight 0).
import type { AddressKey, Features } from './features.ts';

export type Level = 'exact' | 'stem' | 'close' | 'pinyin' | 'typo' | 'shortTypo' | 'swap' | 'door' | 'tokens' | 'different';

export interface Weights {
  id: Partial<Record<'exact' | 'stem' | 'close' | 'different', number>>;
  name: Partial<Record<'exact' | 'pinyin' | 'typo' | 'shortTypo' | 'different', number>>;
  birth: Partial<Record<'exact' | 'swap' | 'close' | 'different', number>>;
  gender: Partial<Record<'exact' | 'different', number>>;
  phone: Partial<Record<'exact' | 'swap' | 'different', number>>;
  address: Partial<Record<'exact' | 'door' | 'tokens' | 'different', number>>;
}

/** Defaults set so that an ID stem alone, or name + birth date, or a name typo + birth date + phone or address, reaches the default threshold (10). */
export const DEFAULT_WEIGHTS: Weights = {
  id: { exact: 14, stem: 11, close: 3, different: -14 },
  name: { exact: 6, pinyin: 4.5, typo: 1.5, shortTypo: -1, different: -5 },
  birth: { exact: 6, swap: -1, close: -2, different: -8 },
  gender: { exact: 0.5, different: -4 },
  phone: { exact: 5, swap: 3, different: -1.5 },
  address: { exact: 3, door: 2, tokens: 1, different: -1 },
};

/** One compared field: [level, weight]. */
export type FieldComparison = readonly [Level, number];

export interface PairScore {
  score: number;
  /** Field → [level, weight], for the fields both records have. */
  fields: Record<string, FieldComparison>;
}

/** Positions where a and b (same length) differ, up to 3. */
function differing(a: string, b: string): number[] {
  const at: number[] = [];
  for (let i = 0; i < a.length && at.length < 3; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) at.push(i);
  return at;
}

function isAdjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const d = differing(a, b);
  return d.length === 2 && d[1] === d[0]! + 1 && a[d[0]!] === b[d[1]!] && a[d[1]!] === b[d[0]!];
}

function compareId(stemA: string, stemB: string, idA: string, idB: string, checks: boolean): Level {
  if (stemA === stemB) return idA === idB && checks ? 'exact' : 'stem';
  return differing(stemA, stemB).length === 1 ? 'close' : 'different';
}

/**
 * Names character by character (same length only): a homophone (same pinyin) is the common typo and
 * costs little; one other character replaced is a weaker sign. In a two-character name a different
 * given character is the whole given name, a twin's as often as a typo (`shortTypo`); a different
 * surname with the same given name is a typo.
 */
function compareName(a: string, b: string, pyA: string | null, pyB: string | null): Level {
  if (a === b) return 'exact';
  const ca = [...a];
  const cb = [...b];
  if (ca.length !== cb.length || ca.length < 2) return 'different';
  const sa = pyA?.split(' ');
  const sb = pyB?.split(' ');
  const homophones = sa && sb && sa.length === ca.length && sb.length === cb.length;
  let other = -1;
  let others = 0;
  for (let i = 0; i < ca.length; i++) {
    if (ca[i] === cb[i] || (homophones && sa[i] === sb[i])) continue;
    other = i;
    if (++others > 1) return 'different';
  }
  if (others === 0) return 'pinyin';
  return ca.length === 2 && other === 1 ? 'shortTypo' : 'typo';
}

function compareBirth(a: string, b: string): Level {
  if (a === b) return 'exact';
  // yyyy-mm-dd with month and day swapped, a classic entry error.
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(5, 7) === b.slice(8, 10) && a.slice(8, 10) === b.slice(5, 7)) return 'swap';
  return differing(a, b).length === 1 ? 'close' : 'different';
}

function compareAddress(a: AddressKey, b: AddressKey): Level {
  if (a.full === b.full) return 'exact';
  if (a.door !== null && a.door === b.door) return 'door';
  if (a.tokens.length && b.tokens.length) {
    let shared = 0;
    for (const t of a.tokens) if (b.tokens.includes(t)) shared++;
    if (shared * 2 >= Math.max(a.tokens.length, b.tokens.length)) return 'tokens';
  }
  return 'different';
}

function weight(table: Partial<Record<string, number>>, level: Level): number {
  return table[level] ?? 0;
}

/** The compared fields, in the order their levels are packed (4 bits each) into a pair's level code. */
const SLOTS = ['id', 'name', 'birth', 'gender', 'phone', 'person', 'address'] as const;
type Slot = (typeof SLOTS)[number];
const LEVELS: readonly Level[] = ['exact', 'stem', 'close', 'pinyin', 'typo', 'shortTypo', 'swap', 'door', 'tokens', 'different'];
const LEVEL_CODE = new Map(LEVELS.map((l, k) => [l, k + 1]));

function slotWeights(w: Weights, slot: Slot): Partial<Record<string, number>> {
  return slot === 'person' ? w.name : w[slot];
}

function slotName(entity: Features['entity'], slot: Slot): string {
  switch (slot) {
    case 'id':
      return entity === 'person' ? 'citizen_id' : 'credit_code';
    case 'birth':
      return 'birth_date';
    case 'phone':
      return entity === 'person' ? 'mobile' : 'phone';
    case 'person':
      return 'legal_person';
    default:
      return slot;
  }
}

/** What a level code says: field → [level, weight], for the fields both records have. */
export function explainLevels(code: number, entity: Features['entity'], w: Weights = DEFAULT_WEIGHTS): Record<string, FieldComparison> {
  const fields: Record<string, FieldComparison> = {};
  for (const [s, slot] of SLOTS.entries()) {
    const k = (code >>> (4 * s)) & 15;
    if (!k) continue;
    const level = LEVELS[k - 1]!;
    fields[slotName(entity, slot)] = [level, weight(slotWeights(w, slot), level)];
  }
  return fields;
}

/** Set by scorePair: the level code of the pair it scored last (see explainLevels). */
export const lastPair = { code: 0 };

/**
 * The score of records i and j; the pair's level code is left in `lastPair.code`, so matching keeps a
 * number per pair and explanations are built once per distinct code rather than once per pair.
 */
export function scorePair(f: Features, i: number, j: number, w: Weights = DEFAULT_WEIGHTS): number {
  let score = 0;
  let code = 0;
  let level: Level;
  const stemA = f.idStem[i];
  const stemB = f.idStem[j];
  if (stemA && stemB) {
    level = compareId(stemA, stemB, f.id[i]!, f.id[j]!, f.idChecks[i]!);
    score += weight(w.id, level);
    code |= LEVEL_CODE.get(level)!;
  }
  const nameA = f.name[i];
  const nameB = f.name[j];
  if (nameA && nameB) {
    level = compareName(nameA, nameB, f.namePinyin[i]!, f.namePinyin[j]!);
    score += weight(w.name, level);
    code |= LEVEL_CODE.get(level)! << 4;
  }
  const birthA = f.birth[i];
  const birthB = f.birth[j];
  if (birthA && birthB) {
    level = compareBirth(birthA, birthB);
    score += weight(w.birth, level);
    code |= LEVEL_CODE.get(level)! << 8;
  }
  const genderA = f.gender[i];
  const genderB = f.gender[j];
  if (genderA && genderB) {
    level = genderA === genderB ? 'exact' : 'different';
    score += weight(w.gender, level);
    code |= LEVEL_CODE.get(level)! << 12;
  }
  const phoneA = f.phone[i];
  const phoneB = f.phone[j];
  if (phoneA && phoneB) {
    level = phoneA === phoneB ? 'exact' : isAdjacentSwap(phoneA, phoneB) ? 'swap' : 'different';
    score += weight(w.phone, level);
    code |= LEVEL_CODE.get(level)! << 16;
  }
  const personA = f.person[i];
  const personB = f.person[j];
  if (personA && personB) {
    level = compareName(personA, personB, null, null);
    score += weight(w.name, level);
    code |= LEVEL_CODE.get(level)! << 20;
  }
  const addressA = f.address[i];
  const addressB = f.address[j];
  if (addressA && addressB) {
    level = compareAddress(addressA, addressB);
    score += weight(w.address, level);
    code |= LEVEL_CODE.get(level)! << 24;
  }
  lastPair.code = code;
  return score;
}

/** Scores records i and j and says why. Field names in the explanation are the entity's canonical ones. */
export function comparePair(f: Features, i: number, j: number, w: Weights = DEFAULT_WEIGHTS): PairScore {
  const score = scorePair(f, i, j, w);
  return { score, fields: explainLevels(lastPair.code, f.entity, w) };
}
