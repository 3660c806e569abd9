// Resident rows (a population register extract) with at most one injected defect each.

import { addressParts, formatAddress } from './addresses.ts';
import { CitizenIdAllocator, type AllocatedId } from './citizen-ids.ts';
import { REFERENCE_DATE, NON_ISO_DATE_STYLES, dayNumber, formatDateAs, isoDate, shanghaiDayStart, shanghaiTimestamp } from './dates.ts';
import { RESIDENT_DEFECTS, drawDefect, type DefectNote, type GeneratedRow, type ResidentDefect } from './defects.ts';
import { MINHANG_AREA_CODE, MINHANG_STREETS, OTHER_PROVINCE_AREA_CODES, SHANGHAI_AREA_CODES, type Street } from './minhang.ts';
import { formattedMobile, invalidMobile, mobileNumber, personName } from './people.ts';
import type { Prng } from './prng.ts';
import { toFullWidth } from './text.ts';
import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';

export const RESIDENT_COLUMNS = [
  'resident_id',
  'name',
  'citizen_id',
  'gender',
  'birth_date',
  'mobile',
  'street',
  'address',
  'registered_at',
  'updated_at',
] as const;

export interface ResidentRow {
  resident_id: number;
  name: string;
  citizen_id: string;
  gender: string;
  birth_date: string;
  mobile: string;
  street: string;
  address: string;
  registered_at: string;
  updated_at: string;
}

export interface ResidentOptions {
  readonly rng: Prng;
  readonly count: number;
  readonly rates: Readonly<Record<ResidentDefect, number>>;
}

/** Birth registration areas and their weights, shared with the fusion population. */
export const AREAS = [MINHANG_AREA_CODE, ...SHANGHAI_AREA_CODES, ...OTHER_PROVINCE_AREA_CODES];
export const AREA_INDEXES = AREAS.map((_, i) => i);
// 55% registered at birth in Minhang, 30% elsewhere in Shanghai, 15% in other provinces.
export const AREA_WEIGHTS = AREAS.map((_, i) => (i === 0 ? 55 : 3));

const REFERENCE_DAY = dayNumber(REFERENCE_DATE);
const BIRTH_FROM = dayNumber('1940-01-01');
const BIRTH_TO = REFERENCE_DAY - 18 * 366; // adults only
// Legacy 15-digit numbers were replaced around 1999-2004, so only older people still carry one.
const LEGACY_BIRTH_TO = dayNumber('1983-12-31');
const REGISTERED_FROM = shanghaiDayStart(dayNumber('2010-01-01'));
const REGISTERED_TO = shanghaiDayStart(REFERENCE_DAY - 30);
const REFERENCE_START = shanghaiDayStart(REFERENCE_DAY);
const DAY_S = 86_400;

const NULL_TOKENS = ['无', 'NULL', '-', ''] as const;
const CHECK_CHARS = [...'0123456789X'];
const POOL_SIZE = 256;

interface PoolEntry {
  readonly row: ResidentRow;
  readonly registered: number;
  readonly updated: number;
}

/** `19991332`-style dates: month + 12 or day + 31. Both maps are one-to-one and their images are disjoint. */
function impossibleBirth(rng: Prng, id: string): string {
  const year = id.slice(6, 10);
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const bad = rng.chance(0.5) ? `${year}${month + 12}${String(day).padStart(2, '0')}` : `${year}${String(month).padStart(2, '0')}${day + 31}`;
  const first17 = id.slice(0, 6) + bad + id.slice(14, 17);
  return first17 + citizenIdCheckChar(first17);
}

function withWhitespace(rng: Prng, value: string, innerAt: number): string {
  switch (rng.int(0, 3)) {
    case 0:
      return ` ${value}`;
    case 1:
      return `${value} `;
    case 2:
      return `  ${value}  `;
    default:
      return `${value.slice(0, innerAt)}  ${value.slice(innerAt)}`;
  }
}

export function* generateResidents(opts: ResidentOptions): Generator<GeneratedRow<ResidentRow, ResidentDefect>> {
  const { rng, count, rates } = opts;
  const allocator = new CitizenIdAllocator(AREAS, BIRTH_FROM, BIRTH_TO);
  const pool: PoolEntry[] = [];

  for (let residentId = 1; residentId <= count; residentId++) {
    const drawn = drawDefect(rng, RESIDENT_DEFECTS, rates);

    if (drawn === 'duplicate' && pool.length > 0) {
      const at = rng.int(0, pool.length - 1);
      const original = pool[at]!;
      pool[at] = pool[pool.length - 1]!;
      pool.pop();
      // An older copy of the same person, sometimes with the phone number they had then.
      const row: ResidentRow = {
        ...original.row,
        resident_id: residentId,
        mobile: rng.chance(0.3) ? mobileNumber(rng) : original.row.mobile,
        updated_at: shanghaiTimestamp(rng.int(original.registered, original.updated - 1)),
      };
      const note: DefectNote<ResidentDefect> = {
        defect: 'duplicate',
        field: 'citizen_id',
        value: row.citizen_id,
        duplicateOf: original.row.resident_id,
      };
      yield { row, note };
      continue;
    }
    // With nothing earlier to repeat, the row is simply clean.
    const defect = drawn === 'duplicate' ? null : drawn;

    const male = rng.chance(0.5);
    const alloc: AllocatedId = allocator.allocate(rng, {
      area: rng.weighted(AREA_INDEXES, AREA_WEIGHTS),
      male,
      fromDay: BIRTH_FROM,
      toDay: defect === 'citizen_id_legacy15' ? LEGACY_BIRTH_TO : BIRTH_TO,
      check: defect === 'citizen_id_lower_x' ? (c) => c === 'X' : undefined,
    });
    const street = rng.pick(MINHANG_STREETS);
    const registered = rng.int(REGISTERED_FROM, REGISTERED_TO);
    const updated = rng.int(registered + DAY_S, REFERENCE_START - 1);
    const row: ResidentRow = {
      resident_id: residentId,
      name: personName(rng, male),
      citizen_id: alloc.id,
      gender: male ? '男' : '女',
      birth_date: isoDate(alloc.birthDay),
      mobile: mobileNumber(rng),
      street: street.name,
      address: formatAddress(addressParts(rng, street)),
      registered_at: shanghaiTimestamp(registered),
      updated_at: shanghaiTimestamp(updated),
    };

    if (defect === null) {
      if (pool.length < POOL_SIZE) pool.push({ row, registered, updated });
      else pool[rng.int(0, POOL_SIZE - 1)] = { row, registered, updated };
      yield { row, note: null };
      continue;
    }
    yield { row, note: injectResidentDefect(rng, row, defect, alloc, street) };
  }
}

/** Changes `row` in place so it carries exactly `defect`; returns the ground truth for it. */
function injectResidentDefect(
  rng: Prng,
  row: ResidentRow,
  defect: Exclude<ResidentDefect, 'duplicate'>,
  alloc: AllocatedId,
  street: Street,
): DefectNote<ResidentDefect> {
  const id = alloc.id;
  switch (defect) {
    case 'citizen_id_bad_check':
      row.citizen_id = id.slice(0, 17) + rng.pick(CHECK_CHARS.filter((c) => c !== id[17]));
      return { defect, field: 'citizen_id', value: row.citizen_id };
    case 'citizen_id_bad_birth':
      row.citizen_id = impossibleBirth(rng, id);
      return { defect, field: 'citizen_id', value: row.citizen_id };
    case 'citizen_id_legacy15':
      row.citizen_id = id.slice(0, 6) + id.slice(8, 17);
      return { defect, field: 'citizen_id', value: row.citizen_id, expected: id };
    case 'citizen_id_lower_x':
      row.citizen_id = `${id.slice(0, 17)}x`;
      return { defect, field: 'citizen_id', value: row.citizen_id, expected: id };
    case 'fullwidth_digits': {
      const field = rng.chance(0.5) ? 'citizen_id' : 'mobile';
      const expected = row[field];
      row[field] = toFullWidth(expected);
      return { defect, field, value: row[field], expected };
    }
    case 'mobile_formatted': {
      const expected = row.mobile;
      row.mobile = formattedMobile(rng, expected);
      return { defect, field: 'mobile', value: row.mobile, expected };
    }
    case 'mobile_invalid':
      row.mobile = invalidMobile(rng, row.mobile);
      return { defect, field: 'mobile', value: row.mobile };
    case 'birth_date_format': {
      const expected = row.birth_date;
      row.birth_date = formatDateAs(alloc.birthDay, rng.pick(NON_ISO_DATE_STYLES));
      return { defect, field: 'birth_date', value: row.birth_date, expected };
    }
    case 'birth_date_mismatch': {
      const shift = rng.int(1, 730);
      const day = alloc.birthDay + shift <= BIRTH_TO ? alloc.birthDay + shift : alloc.birthDay - shift;
      row.birth_date = isoDate(day);
      return { defect, field: 'birth_date', value: row.birth_date };
    }
    case 'gender_mismatch':
      row.gender = alloc.male ? '女' : '男';
      return { defect, field: 'gender', value: row.gender };
    case 'street_alias':
      row.street = street.alias;
      return { defect, field: 'street', value: row.street, expected: street.name };
    case 'null_token': {
      const field = rng.chance(0.5) ? 'mobile' : 'street';
      row[field] = rng.pick(NULL_TOKENS);
      return { defect, field, value: row[field] };
    }
    case 'whitespace': {
      if (rng.chance(0.5)) {
        const expected = row.name;
        row.name = withWhitespace(rng, expected, 1);
        return { defect, field: 'name', value: row.name, expected };
      }
      const expected = row.address;
      row.address = withWhitespace(rng, expected, '上海市闵行区'.length);
      return { defect, field: 'address', value: row.address, expected };
    }
  }
}
