// A second version of the sources, for incremental fusion runs: some records changed (a move reported with
// a newer updated_at, a new mobile), some added (new people, and new records of people already known), some
// deleted. Walks the first version (regenerated from the same options) and yields each change in order.

import { addressParts } from './addresses.ts';
import { REFERENCE_DATE, dayNumber, shanghaiDayStart } from './dates.ts';
import type { FusionPerson } from './fusion-population.ts';
import { FIELD_INDEX, renderAddress, timestamp } from './fusion-render.ts';
import { type FusionOptions, type FusionRecord, FusionGenerator, fusionRecordsOf } from './fusion-sources.ts';
import { MINHANG_STREETS } from './minhang.ts';
import { mobileNumber } from './people.ts';
import { Prng } from './prng.ts';

export interface FusionChangeRates {
  /** Share of records changed. */
  readonly update: number;
  /** New records as a share of the first version's records. */
  readonly insert: number;
  readonly delete: number;
  /** Of the new records, the share belonging to people not in the first version. */
  readonly newPersonShare: number;
}

export const DEFAULT_FUSION_CHANGE_RATES: FusionChangeRates = { update: 0.01, insert: 0.005, delete: 0.002, newPersonShare: 0.5 };

export interface FusionChangeOptions extends FusionOptions {
  /** Seeds the changes (the first version comes from `seed`); default 1. */
  readonly changeSeed?: number;
  readonly changeRates?: Partial<FusionChangeRates>;
  /** Also yield `keep` for every unchanged record, so the stream is the whole second version. */
  readonly includeUnchanged?: boolean;
}

export type FusionChangeKind = 'moved' | 'new_mobile' | 'new_person' | 'new_record' | 'deleted' | 'unchanged';

export interface FusionChange {
  readonly op: 'insert' | 'update' | 'delete' | 'keep';
  readonly kind: FusionChangeKind;
  readonly source: string;
  readonly sourceIndex: number;
  readonly recordId: string;
  readonly personKey: string;
  readonly person: FusionPerson;
  /** The record's cells after the change, in the source's column order; empty for a delete. */
  readonly values: readonly string[];
  readonly defects: number;
}

export interface FusionChangeSummary {
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  /** Persons with a changed, new or deleted record: what an incremental fusion run must revisit. */
  readonly affectedPersons: readonly string[];
  readonly records: number;
  readonly perSource: Readonly<Record<string, number>>;
}

const REFERENCE_START = shanghaiDayStart(dayNumber(REFERENCE_DATE));
/** The second version's edits happen in the fortnight after the reference date. */
export const CHANGES_FROM = REFERENCE_START;
export const CHANGES_TO = REFERENCE_START + 14 * 86_400 - 1;

export function* generateFusionChanges(opts: FusionChangeOptions): Generator<FusionChange, FusionChangeSummary> {
  const rates = { ...DEFAULT_FUSION_CHANGE_RATES, ...opts.changeRates };
  for (const [k, v] of Object.entries(rates)) if (!(v >= 0 && v <= 1)) throw new RangeError(`change rate ${k} must be in [0, 1], got ${v}`);
  if (rates.update + rates.delete > 1) throw new RangeError('update and delete rates add up to more than 1');
  const g = new FusionGenerator(opts);
  const rng = new Prng(opts.seed).fork(`fusion-changes-${opts.changeSeed ?? 1}`);
  const affected = new Set<string>();
  const later: FusionPerson[] = [];
  let updated = 0;
  let deleted = 0;
  let kept = 0;
  const perSourceCount = g.sources.map(() => 0);
  const existingShare = rates.insert * (1 - rates.newPersonShare);

  for (const r of fusionRecordsOf(g)) {
    const u = rng.next();
    if (u >= rates.delete) perSourceCount[r.sourceIndex]!++;
    if (u < rates.delete) {
      deleted++;
      affected.add(r.personKey);
      yield { ...base(r), op: 'delete', kind: 'deleted', values: [] };
    } else if (u < rates.delete + rates.update) {
      updated++;
      affected.add(r.personKey);
      yield update(rng, g, r);
    } else {
      kept++;
      if (opts.includeUnchanged) yield { ...base(r), op: 'keep', kind: 'unchanged', values: r.values };
    }
    if (rng.chance(existingShare)) later.push(r.person);
  }

  // New records get ids after the first version's, so they come once that is walked.
  let inserted = 0;
  for (const person of later) {
    const rec = g.record(person, rng.int(0, g.sources.length - 1), CHANGES_FROM, CHANGES_TO);
    inserted++;
    perSourceCount[rec.sourceIndex]!++;
    affected.add(person.key);
    yield { ...base(rec), op: 'insert', kind: 'new_record', values: rec.values };
  }
  const firstRecords = kept + updated + deleted;
  const newRecordsWanted = Math.round(firstRecords * rates.insert * rates.newPersonShare);
  let newRecords = 0;
  while (newRecords < newRecordsWanted) {
    const person = g.nextPerson();
    for (const rec of g.recordsOf(person, CHANGES_FROM, CHANGES_TO)) {
      newRecords++;
      inserted++;
      perSourceCount[rec.sourceIndex]!++;
      affected.add(person.key);
      yield { ...base(rec), op: 'insert', kind: 'new_person', values: rec.values };
    }
  }
  const perSource = Object.fromEntries(g.sources.map((s, i) => [s.spec.name, perSourceCount[i]!]));
  return {
    inserted,
    updated,
    deleted,
    affectedPersons: [...affected].sort(),
    records: firstRecords - deleted + inserted,
    perSource,
  };
}

function base(r: FusionRecord): Omit<FusionChange, 'op' | 'kind' | 'values'> {
  return { source: r.source, sourceIndex: r.sourceIndex, recordId: r.recordId, personKey: r.personKey, person: r.person, defects: r.defects };
}

/** 60% a move to another street, 40% a new mobile; either way updated_at moves into the change window. */
function update(rng: Prng, g: FusionGenerator, r: FusionRecord): FusionChange {
  const src = g.sources[r.sourceIndex]!;
  const values = [...r.values];
  const at = (field: keyof typeof FIELD_INDEX): number => src.positionOf[FIELD_INDEX[field]]!;
  values[at('updated_at')] = timestamp(rng.int(CHANGES_FROM, CHANGES_TO), src.spec.timestampStyle);
  if (rng.chance(0.6)) {
    let street = rng.pick(MINHANG_STREETS);
    while (street === r.person.address.street) street = rng.pick(MINHANG_STREETS);
    values[at('address')] = renderAddress(rng, addressParts(rng, street), false, false);
    return { ...base(r), op: 'update', kind: 'moved', values };
  }
  values[at('mobile')] = mobileNumber(rng);
  return { ...base(r), op: 'update', kind: 'new_mobile', values };
}
