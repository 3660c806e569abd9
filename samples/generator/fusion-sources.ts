// Overlapping department registers of one population, with the true person behind every record.
//
// Every person is in at least one source; each record is defaced independently, so the same person can be
// clean in one source and carry a typo, a missing ID and an old address in another. Streams: nothing is
// kept per record, so three sources of a million records each cost the same memory as three of a thousand.

import { REFERENCE_DATE, dayNumber, shanghaiDayStart } from './dates.ts';
import { type FusionPerson, fusionPopulation } from './fusion-population.ts';
import { type ResolvedSource, renderFields, resolveSource, toColumnOrder } from './fusion-render.ts';
import { DEFAULT_FUSION_RATES, DEFAULT_FUSION_SOURCES, DEFECT, type FusionRates, type SourceSpec } from './fusion-spec.ts';
import { Prng } from './prng.ts';

export interface FusionOptions {
  readonly population: number;
  readonly seed: number;
  /** Default: civil_affairs (民政), social_insurance (社保), health (卫健). */
  readonly sources?: readonly SourceSpec[];
  readonly rates?: Partial<FusionRates>;
  /** Overrides every source's coverage, e.g. 1 for the benchmark (each source holds every person). */
  readonly coverage?: number;
}

export interface FusionRecord {
  readonly source: string;
  readonly sourceIndex: number;
  readonly recordId: string;
  /** The truth: which person this record is. */
  readonly personKey: string;
  readonly person: FusionPerson;
  /** Cell values in the source's column order (`''` is an empty cell). */
  readonly values: string[];
  /** DEFECT bits. */
  readonly defects: number;
  /** updated_at as epoch seconds. */
  readonly updatedAt: number;
}

export interface FusionSummary {
  readonly persons: number;
  readonly records: number;
  readonly perSource: Readonly<Record<string, number>>;
}

const UPDATED_FROM = shanghaiDayStart(dayNumber('2016-01-01'));
const UPDATED_TO = shanghaiDayStart(dayNumber(REFERENCE_DATE)) - 1;
export const RECORD_ID_DIGITS = 8;

export function recordRef(source: string, recordId: string): string {
  return `${source}:${recordId}`;
}

function checkRate(name: string, r: number): void {
  if (!(r >= 0 && r <= 1)) throw new RangeError(`rate ${name} must be in [0, 1], got ${r}`);
}

export function resolveFusionRates(rates: Partial<FusionRates> | undefined): FusionRates {
  const known = new Set(Object.keys(DEFAULT_FUSION_RATES));
  for (const k of Object.keys(rates ?? {})) if (!known.has(k)) throw new RangeError(`unknown fusion rate '${k}'`);
  const out = { ...DEFAULT_FUSION_RATES, ...rates };
  for (const [k, v] of Object.entries(out)) if (k !== 'sourcesPerPerson') checkRate(k, v as number);
  if (out.nameTypo + out.nameTraditional > 1 || out.idMissing + out.idBadCheck > 1 || out.mobileMissing + out.mobileTransposed > 1) {
    throw new RangeError('rates of one field (name, ID or mobile) add up to more than 1');
  }
  return out;
}

/** The state behind one generated version: population stream, source counters, random streams. */
export class FusionGenerator {
  readonly sources: readonly ResolvedSource[];
  readonly rates: FusionRates;
  readonly population: number;
  /** Records issued so far per source (the last record id's sequence). */
  readonly counts: number[];
  private readonly people: Generator<FusionPerson, never>;
  private readonly membership: Prng;
  private readonly recordRng: Prng;
  private readonly coverage: readonly number[] | null;
  private readonly sourceIndexes: readonly number[];
  private issuedPersons = 0;

  constructor(opts: FusionOptions) {
    if (!Number.isSafeInteger(opts.population) || opts.population < 0) {
      throw new RangeError(`population must be a non-negative integer, got ${opts.population}`);
    }
    const specs = opts.sources ?? DEFAULT_FUSION_SOURCES;
    if (specs.length === 0) throw new RangeError('at least one source is needed');
    if (new Set(specs.map((s) => s.name)).size !== specs.length) throw new RangeError('source names must differ');
    this.sources = specs.map(resolveSource);
    this.rates = resolveFusionRates(opts.rates);
    this.population = opts.population;
    this.counts = specs.map(() => 0);
    this.sourceIndexes = specs.map((_, i) => i);
    const covers = specs.map((s) => opts.coverage ?? s.coverage);
    this.coverage = covers.every((c) => c !== undefined) ? (covers as number[]) : null;
    for (const [i, c] of (this.coverage ?? []).entries()) checkRate(`coverage of ${specs[i]!.name}`, c);
    if (this.coverage?.every((c) => c === 0)) throw new RangeError('at least one source needs a coverage above 0');
    const root = new Prng(opts.seed);
    this.people = fusionPopulation(root.fork('fusion-people'));
    this.membership = root.fork('fusion-membership');
    this.recordRng = root.fork('fusion-records');
  }

  /** The next true person; past `population` these are people who arrive later (new in a second version). */
  nextPerson(): FusionPerson {
    this.issuedPersons++;
    return this.people.next().value;
  }

  get personsIssued(): number {
    return this.issuedPersons;
  }

  /** Which sources hold this person: never none. */
  sourcesOf(): number[] {
    const n = this.sources.length;
    const rng = this.membership;
    if (this.coverage !== null) {
      const cov = this.coverage;
      const chosen = this.sourceIndexes.filter((i) => cov[i] === 1 || rng.chance(cov[i]!));
      return chosen.length > 0 ? chosen : [rng.weighted(this.sourceIndexes, cov)];
    }
    const weights = this.rates.sourcesPerPerson.slice(0, n);
    const k = rng.weighted([1, 2, 3].slice(0, n), weights);
    if (k >= n) return [...this.sourceIndexes];
    const picked = rng.shuffle([...this.sourceIndexes]).slice(0, k);
    return picked.sort((a, b) => a - b);
  }

  nextRecordId(sourceIndex: number): string {
    const seq = ++this.counts[sourceIndex]!;
    return this.sources[sourceIndex]!.spec.idPrefix + String(seq).padStart(RECORD_ID_DIGITS, '0');
  }

  /** One record of `person` in a source, with the next record id there. */
  record(person: FusionPerson, sourceIndex: number, updatedFrom = UPDATED_FROM, updatedTo = UPDATED_TO, extra = 0): FusionRecord {
    const src = this.sources[sourceIndex]!;
    const rng = this.recordRng;
    const recordId = this.nextRecordId(sourceIndex);
    const updatedAt = rng.int(updatedFrom, updatedTo);
    const { fields, defects } = renderFields(rng, person, src, this.rates, recordId, updatedAt);
    return {
      source: src.spec.name,
      sourceIndex,
      recordId,
      personKey: person.key,
      person,
      values: toColumnOrder(src, fields),
      defects: defects | extra,
      updatedAt,
    };
  }

  /** All records of one person: one per source holding them, now and then a second one (a duplicate). */
  *recordsOf(person: FusionPerson, updatedFrom = UPDATED_FROM, updatedTo = UPDATED_TO): Generator<FusionRecord> {
    for (const s of this.sourcesOf()) {
      yield this.record(person, s, updatedFrom, updatedTo);
      if (this.membership.chance(this.rates.duplicate)) yield this.record(person, s, updatedFrom, updatedTo, DEFECT.duplicate);
    }
  }
}

/**
 * Streams every source's records (interleaved, person by person; a person's records are consecutive) and
 * returns the counts. Deterministic for the options.
 */
export function* generateFusionSources(opts: FusionOptions): Generator<FusionRecord, FusionSummary> {
  const g = new FusionGenerator(opts);
  yield* fusionRecordsOf(g);
  return summarise(g);
}

export function* fusionRecordsOf(g: FusionGenerator): Generator<FusionRecord> {
  for (let i = 0; i < g.population; i++) yield* g.recordsOf(g.nextPerson());
}

export function summarise(g: FusionGenerator): FusionSummary {
  const perSource = Object.fromEntries(g.sources.map((s, i) => [s.spec.name, g.counts[i]!]));
  return { persons: g.personsIssued, records: g.counts.reduce((a, b) => a + b, 0), perSource };
}

/** Column headers of a source, in order. */
export function sourceHeaders(spec: SourceSpec): string[] {
  return spec.columns.map((c) => c.header);
}
