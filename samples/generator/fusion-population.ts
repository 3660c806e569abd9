// The true persons behind the overlapping sources, in households, as an endless deterministic stream.
//
// Hard negatives are built in so that precision means something: household members share an address (and
// sometimes a phone) and mostly a surname; twins share a birth date as well; namesakes share a full name and
// birth year with an unrelated person; movers have a previous address that older records still show.

import { type AddressParts, addressParts } from './addresses.ts';
import { CitizenIdAllocator } from './citizen-ids.ts';
import { REFERENCE_DATE, dayNumber, shanghaiDayStart, ymd } from './dates.ts';
import { MINHANG_STREETS } from './minhang.ts';
import { givenName, landlineNumber, mobileNumber, randomSurname } from './people.ts';
import type { Prng } from './prng.ts';
import { AREA_INDEXES, AREA_WEIGHTS, AREAS } from './residents.ts';

export type HouseholdRole = 'head' | 'spouse' | 'child' | 'parent';

export interface FusionPerson {
  /** `P` and the zero-padded index: the truth key. */
  readonly key: string;
  readonly index: number;
  readonly household: number;
  readonly role: HouseholdRole;
  readonly name: string;
  readonly surnameLength: number;
  readonly male: boolean;
  readonly citizenId: string;
  readonly birthDay: number;
  /** Own mobile, or '' (children, some elderly). */
  readonly mobile: string;
  /** The contact number departments write down: own mobile, a parent's mobile, the household landline, or ''. */
  readonly phone: string;
  readonly address: AddressParts;
  /** Where the person lived before `movedAt` (epoch seconds), or null. */
  readonly previousAddress: AddressParts | null;
  readonly movedAt: number | null;
  /** Key of the twin born the same day in the same household. */
  readonly twinOf: string | null;
  /** Key of an unrelated earlier person with the same full name and birth year. */
  readonly namesakeOf: string | null;
}

const REFERENCE_DAY = dayNumber(REFERENCE_DATE);
const YEAR = 365;
export const BIRTH_FROM = dayNumber('1930-01-01');
const BIRTH_TO = REFERENCE_DAY - 1;
const MOVE_FROM = shanghaiDayStart(dayNumber('2018-01-01'));
const MOVE_TO = shanghaiDayStart(REFERENCE_DAY - 30);
const HOUSEHOLD_SIZES = [1, 2, 3, 4, 5] as const;
const HOUSEHOLD_WEIGHTS = [0.35, 0.3, 0.2, 0.1, 0.05];
const NAMESAKE_POOL = 512;

export const PERSON_KEY_WIDTH = 8;
export const personKey = (index: number): string => `P${String(index).padStart(PERSON_KEY_WIDTH, '0')}`;

const clampDay = (d: number): number => Math.min(BIRTH_TO, Math.max(BIRTH_FROM, d));

interface Draft {
  role: HouseholdRole;
  male: boolean;
  surname: string;
  fromDay: number;
  toDay: number;
  area?: number;
  twinOf?: FusionPerson;
  namesake?: FusionPerson;
}

/** Persons in household order; take as many as the population needs (the stream never ends). */
export function* fusionPopulation(rng: Prng): Generator<FusionPerson, never> {
  const ids = new CitizenIdAllocator(AREAS, BIRTH_FROM, BIRTH_TO);
  const namesakes: FusionPerson[] = [];
  let index = 0;
  for (let household = 1; ; household++) {
    const size = rng.weighted(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS);
    const home = addressParts(rng, rng.pick(MINHANG_STREETS));
    const landline = rng.chance(0.25) ? landlineNumber(rng) : '';
    // 6% of households moved here together; their previous home is elsewhere in the district.
    const householdMove = rng.chance(0.06) ? { from: addressParts(rng, rng.pick(MINHANG_STREETS)), at: rng.int(MOVE_FROM, MOVE_TO) } : null;
    const members: FusionPerson[] = [];
    let head: FusionPerson | null = null;
    for (let m = 0; m < size; m++) {
      const draft = draftMember(rng, m, head, members, namesakes);
      const given = draft.namesake ? draft.namesake.name.slice(draft.namesake.surnameLength) : uniqueGiven(rng, draft, members);
      const alloc = ids.allocate(rng, {
        area: draft.area ?? rng.weighted(AREA_INDEXES, AREA_WEIGHTS),
        male: draft.male,
        fromDay: draft.fromDay,
        toDay: draft.toDay,
      });
      const ageYears = (REFERENCE_DAY - alloc.birthDay) / YEAR;
      const ownMobile = ageYears < 14 || (ageYears > 75 && rng.chance(0.4)) ? '' : mobileNumber(rng);
      let phone = ownMobile;
      if (ownMobile === '') {
        const adult = members.find((p) => p.mobile !== '');
        phone = landline !== '' && rng.chance(0.5) ? landline : adult && rng.chance(0.7) ? adult.mobile : '';
      } else if (landline !== '' && ageYears > 60 && rng.chance(0.3)) {
        phone = landline;
      }
      // A further 2% moved on their own (a grown child, a lodger).
      const ownMove = householdMove === null && ageYears >= 18 && rng.chance(0.02);
      const move = householdMove ?? (ownMove ? { from: addressParts(rng, rng.pick(MINHANG_STREETS)), at: rng.int(MOVE_FROM, MOVE_TO) } : null);
      const person: FusionPerson = {
        key: personKey(index),
        index,
        household,
        role: draft.role,
        name: draft.surname + given,
        surnameLength: draft.surname.length,
        male: draft.male,
        citizenId: alloc.id,
        birthDay: alloc.birthDay,
        mobile: ownMobile,
        phone,
        address: home,
        previousAddress: move?.from ?? null,
        movedAt: move?.at ?? null,
        twinOf: draft.twinOf?.key ?? null,
        namesakeOf: draft.namesake?.key ?? null,
      };
      index++;
      members.push(person);
      if (m === 0) head = person;
      if (namesakes.length < NAMESAKE_POOL) namesakes.push(person);
      else namesakes[rng.int(0, NAMESAKE_POOL - 1)] = person;
      yield person;
    }
  }
}

function yearRange(day: number): { fromDay: number; toDay: number } {
  const { year } = ymd(day);
  return { fromDay: clampDay(dayNumber(`${year}-01-01`)), toDay: clampDay(dayNumber(`${year}-12-31`)) };
}

function draftMember(rng: Prng, m: number, head: FusionPerson | null, members: readonly FusionPerson[], pool: readonly FusionPerson[]): Draft {
  if (head === null) {
    // 3% of heads share full name, sex and birth year with someone unrelated: 张伟 born 1985, twice.
    const namesake = pool.length > 0 && rng.chance(0.03) ? rng.pick(pool) : undefined;
    if (namesake) {
      return { role: 'head', male: namesake.male, surname: namesake.name.slice(0, namesake.surnameLength), ...yearRange(namesake.birthDay), namesake };
    }
    return { role: 'head', male: rng.chance(0.5), surname: randomSurname(rng), fromDay: REFERENCE_DAY - 80 * YEAR, toDay: REFERENCE_DAY - 25 * YEAR };
  }
  const headSurname = head.name.slice(0, head.surnameLength);
  const r = rng.next();
  if (m === 1 && r < 0.6) {
    const d = head.birthDay + rng.int(-6 * YEAR, 6 * YEAR);
    return { role: 'spouse', male: !head.male, surname: randomSurname(rng), fromDay: clampDay(d), toDay: clampDay(d) };
  }
  if (r < 0.85 || head.birthDay < BIRTH_FROM + 25 * YEAR) {
    const previous = members[members.length - 1]!;
    // Twins: the second of two children born the same day, in the same place.
    if (previous.role === 'child' && rng.chance(0.12)) {
      const area = AREAS.indexOf(previous.citizenId.slice(0, 6));
      return {
        role: 'child',
        male: rng.chance(0.5),
        surname: previous.name.slice(0, previous.surnameLength),
        fromDay: previous.birthDay,
        toDay: previous.birthDay,
        area,
        twinOf: previous,
      };
    }
    const from = clampDay(head.birthDay + 20 * YEAR);
    const to = clampDay(head.birthDay + 40 * YEAR);
    return { role: 'child', male: rng.chance(0.5), surname: rng.chance(0.9) ? headSurname : randomSurname(rng), fromDay: from, toDay: Math.max(from, to) };
  }
  const from = clampDay(head.birthDay - 35 * YEAR);
  const to = clampDay(head.birthDay - 20 * YEAR);
  const male = rng.chance(0.5);
  return { role: 'parent', male, surname: male ? headSurname : randomSurname(rng), fromDay: from, toDay: Math.max(from, to) };
}

/** A given name no other member of the household has (twins especially). */
function uniqueGiven(rng: Prng, draft: Draft, members: readonly FusionPerson[]): string {
  for (;;) {
    const given = givenName(rng, draft.male);
    if (!members.some((p) => p.name === draft.surname + given)) return given;
  }
}
