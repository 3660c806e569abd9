// Enterprise rows (a market-registration extract) with at most one injected defect each.

import { CreditCodeIssuer, withWrongCheck, type CreditCodeStyle } from './credit-codes.ts';
import { REFERENCE_DATE, NON_ISO_DATE_STYLES, dayNumber, formatDateAs, isoDate, shanghaiDayStart, shanghaiTimestamp } from './dates.ts';
import { ENTERPRISE_DEFECTS, drawDefect, type DefectNote, type EnterpriseDefect, type GeneratedRow } from './defects.ts';
import { INDUSTRIES, MINHANG_AREA_CODE, MINHANG_STREETS, TRADE_NAME_CHARS, type Industry, type Street } from './minhang.ts';
import { landlineNumber, mobileNumber, personName } from './people.ts';
import type { Prng } from './prng.ts';

export const ENTERPRISE_COLUMNS = [
  'enterprise_id',
  'credit_code',
  'name',
  'legal_rep',
  'registered_capital',
  'established_on',
  'street',
  'industry',
  'contact_phone',
  'updated_at',
] as const;

export interface EnterpriseRow {
  enterprise_id: number;
  credit_code: string;
  name: string;
  legal_rep: string;
  /** 万元, written as a decimal number. */
  registered_capital: string;
  established_on: string;
  street: string;
  industry: string;
  /** A mobile number or a `021-` landline. */
  contact_phone: string;
  updated_at: string;
}

export interface EnterpriseOptions {
  readonly rng: Prng;
  readonly count: number;
  readonly rates: Readonly<Record<EnterpriseDefect, number>>;
}

const REFERENCE_DAY = dayNumber(REFERENCE_DATE);
const ESTABLISHED_FROM = dayNumber('1995-01-01');
const ESTABLISHED_TO = REFERENCE_DAY - 10;
// Credit codes replaced organisation codes from October 2015; the pilots came just before.
const NEW_CODES_FROM = dayNumber('2015-10-01');
const UPDATES_FROM = shanghaiDayStart(dayNumber('2016-01-01'));
const REFERENCE_START = shanghaiDayStart(REFERENCE_DAY);
const DAY_S = 86_400;

const CAPITALS = [10, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000] as const;
const CAPITAL_WEIGHTS = [8, 6, 14, 22, 10, 8, 12, 10, 6, 4] as const;
const NULL_TOKENS = ['无', 'NULL', '-', ''] as const;
const POOL_SIZE = 256;

interface PoolEntry {
  readonly row: EnterpriseRow;
  readonly updatedFrom: number;
  readonly updated: number;
}

function companyName(rng: Prng, industry: Industry, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    // Longer trade names only when the short ones keep colliding.
    const length = attempt < 20 ? 2 : attempt < 40 ? 3 : 4;
    let trade = '';
    while (trade.length < length) {
      const c = rng.pick(TRADE_NAME_CHARS);
      if (!trade.includes(c)) trade += c;
    }
    const r = rng.next();
    const suffix = r < 0.85 ? '有限公司' : r < 0.95 ? '有限责任公司' : '股份有限公司';
    const name = `上海${trade}${rng.pick(industry.business)}${suffix}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

function capital(rng: Prng): string {
  if (rng.chance(0.8)) return String(rng.weighted(CAPITALS, CAPITAL_WEIGHTS));
  const cents = rng.int(100, 1_000_000);
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

export function* generateEnterprises(opts: EnterpriseOptions): Generator<GeneratedRow<EnterpriseRow, EnterpriseDefect>> {
  const { rng, count, rates } = opts;
  const issuer = new CreditCodeIssuer(rng);
  const names = new Set<string>();
  const pool: PoolEntry[] = [];

  for (let enterpriseId = 1; enterpriseId <= count; enterpriseId++) {
    const drawn = drawDefect(rng, ENTERPRISE_DEFECTS, rates);

    if (drawn === 'duplicate' && pool.length > 0) {
      const at = rng.int(0, pool.length - 1);
      const original = pool[at]!;
      pool[at] = pool[pool.length - 1]!;
      pool.pop();
      const row: EnterpriseRow = {
        ...original.row,
        enterprise_id: enterpriseId,
        updated_at: shanghaiTimestamp(rng.int(original.updatedFrom, original.updated - 1)),
      };
      const note: DefectNote<EnterpriseDefect> = {
        defect: 'duplicate',
        field: 'credit_code',
        value: row.credit_code,
        duplicateOf: original.row.enterprise_id,
      };
      yield { row, note };
      continue;
    }
    const defect = drawn === 'duplicate' ? null : drawn;

    const established = rng.int(ESTABLISHED_FROM, defect === 'credit_code_pilot' ? NEW_CODES_FROM - 1 : ESTABLISHED_TO);
    let style: CreditCodeStyle = established >= NEW_CODES_FROM || rng.chance(0.25) ? 'new' : 'old';
    // Lower-casing needs letters, which only new-style codes are sure to have; pilots predate them.
    if (defect === 'credit_code_lowercase') style = 'new';
    if (defect === 'credit_code_pilot') style = 'old';
    const division = rng.chance(0.9) ? MINHANG_AREA_CODE : '310000';
    const industry = rng.pick(INDUSTRIES);
    const street = rng.pick(MINHANG_STREETS);
    const updatedFrom = Math.max(UPDATES_FROM, shanghaiDayStart(established));
    const updated = rng.int(updatedFrom + DAY_S, REFERENCE_START - 1);
    const row: EnterpriseRow = {
      enterprise_id: enterpriseId,
      credit_code: issuer.issue(style, division),
      name: companyName(rng, industry, names),
      legal_rep: personName(rng, rng.chance(0.6)),
      registered_capital: capital(rng),
      established_on: isoDate(established),
      street: street.name,
      industry: industry.name,
      contact_phone: rng.chance(0.65) ? mobileNumber(rng) : landlineNumber(rng),
      updated_at: shanghaiTimestamp(updated),
    };

    if (defect === null) {
      if (pool.length < POOL_SIZE) pool.push({ row, updatedFrom, updated });
      else pool[rng.int(0, POOL_SIZE - 1)] = { row, updatedFrom, updated };
      yield { row, note: null };
      continue;
    }
    yield { row, note: injectEnterpriseDefect(rng, row, defect, established, street) };
  }
}

/** Changes `row` in place so it carries exactly `defect`; returns the ground truth for it. */
function injectEnterpriseDefect(
  rng: Prng,
  row: EnterpriseRow,
  defect: Exclude<EnterpriseDefect, 'duplicate'>,
  established: number,
  street: Street,
): DefectNote<EnterpriseDefect> {
  switch (defect) {
    case 'credit_code_bad_check':
    case 'credit_code_pilot':
      row.credit_code = withWrongCheck(row.credit_code, rng);
      return { defect, field: 'credit_code', value: row.credit_code };
    case 'credit_code_lowercase': {
      const expected = row.credit_code;
      row.credit_code = expected.toLowerCase();
      return { defect, field: 'credit_code', value: row.credit_code, expected };
    }
    case 'capital_negative':
      row.registered_capital = `-${row.registered_capital}`;
      return { defect, field: 'registered_capital', value: row.registered_capital };
    case 'established_future':
      row.established_on = isoDate(REFERENCE_DAY + rng.int(1, 900));
      return { defect, field: 'established_on', value: row.established_on };
    case 'established_format': {
      const expected = row.established_on;
      row.established_on = formatDateAs(established, rng.pick(NON_ISO_DATE_STYLES));
      return { defect, field: 'established_on', value: row.established_on, expected };
    }
    case 'street_alias':
      row.street = street.alias;
      return { defect, field: 'street', value: row.street, expected: street.name };
    case 'null_token': {
      const field = rng.chance(0.5) ? 'contact_phone' : 'street';
      row[field] = rng.pick(NULL_TOKENS);
      return { defect, field, value: row[field] };
    }
  }
}
