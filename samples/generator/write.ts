// Writes the sample files and truth.json, streaming, byte-for-byte reproducible for a seed and options.

import { createReadStream } from 'node:fs';
import { writeHouseholdDrops } from './household-drops.ts';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { csvLine } from './csv.ts';
import { REFERENCE_DATE } from './dates.ts';
import {
  DEFAULT_ENTERPRISE_RATES,
  DEFAULT_RESIDENT_RATES,
  ENTERPRISE_DEFECTS,
  ENTERPRISE_DEFECT_KINDS,
  RESIDENT_DEFECTS,
  RESIDENT_DEFECT_KINDS,
  resolveRates,
  type DefectKind,
  type DefectNote,
  type EnterpriseDefect,
  type GeneratedRow,
  type ResidentDefect,
} from './defects.ts';
import { ENTERPRISE_COLUMNS, generateEnterprises } from './enterprises.ts';
import { writeFusionChanges, writeFusionSources } from './fusion-write.ts';
import { GENERATOR_ID, type SampleManifest } from './manifest.ts';
import { Prng } from './prng.ts';
import { RESIDENT_COLUMNS, generateResidents } from './residents.ts';
import { FileSink, type SinkResult } from './sink.ts';

export const DEFAULT_SEED = 20261126;
export const DEFAULT_RESIDENT_COUNT = 2000;
export const DEFAULT_ENTERPRISE_COUNT = 500;
export const DEFAULT_FUSION_POPULATION = 2000;

export interface SampleRatesInput {
  readonly residents?: Readonly<Partial<Record<ResidentDefect, number>>>;
  readonly enterprises?: Readonly<Partial<Record<EnterpriseDefect, number>>>;
}

export interface GenerateSamplesOptions {
  readonly outDir: string;
  /** Default 20261126. */
  readonly seed?: number;
  /** Default 2000. */
  readonly residents?: number;
  /** Default 500. */
  readonly enterprises?: number;
  /** Per-kind defect rates in [0, 1], overlaid on the defaults; each dataset's rates may add up to at most 1. */
  readonly rates?: SampleRatesInput;
  /** Persons behind the overlapping sources in `fusion/` (default 2000; 0 writes none). */
  readonly fusionPopulation?: number;
  /** Each person's chance to be in each fusion source (default: 1, 2 or 3 sources, 2 on average). */
  readonly fusionCoverage?: number;
}

interface DatasetCounts<K extends string> {
  rows: number;
  clean: number;
  defects: Record<K, number>;
}

interface DatasetSpec<R, K extends string> {
  readonly rows: Iterable<GeneratedRow<R, K>>;
  readonly columns: readonly (keyof R & string)[];
  readonly kinds: readonly K[];
  readonly kindInfo: Readonly<Record<K, DefectKind>>;
  readonly key: 'resident_id' | 'enterprise_id';
  readonly csv: FileSink;
  readonly ndjson?: FileSink;
  readonly truth: FileSink;
  readonly onDefect?: (note: DefectNote<K>) => Promise<void>;
}

function count(value: number | undefined, fallback: number, name: string): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}

async function writeDataset<R, K extends string>(spec: DatasetSpec<R, K>): Promise<DatasetCounts<K>> {
  const defects = Object.fromEntries(spec.kinds.map((k) => [k, 0])) as Record<K, number>;
  let rows = 0;
  let clean = 0;
  const keyIndex = spec.columns.indexOf(spec.key as keyof R & string);
  await spec.csv.write(csvLine(spec.columns));
  for (const { row, note } of spec.rows) {
    rows++;
    const values = spec.columns.map((c) => row[c] as string | number);
    await spec.csv.write(csvLine(values));
    if (spec.ndjson) {
      await spec.ndjson.write(`${JSON.stringify(Object.fromEntries(spec.columns.map((c, i) => [c, values[i]])))}\n`);
    }
    if (note === null) {
      clean++;
      continue;
    }
    defects[note.defect]++;
    const entry = {
      [spec.key]: values[keyIndex],
      line: rows + 1,
      defect: note.defect,
      action: spec.kindInfo[note.defect].action,
      field: note.field,
      value: note.value,
      ...(note.expected === undefined ? {} : { expected: note.expected }),
      ...(note.duplicateOf === undefined ? {} : { duplicateOf: note.duplicateOf }),
    };
    await spec.truth.write(`${rows - clean === 1 ? '' : ','}\n      ${JSON.stringify(entry)}`);
    if (spec.onDefect) await spec.onDefect(note);
  }
  return { rows, clean, defects };
}

function summary<K extends string>(
  format: 'csv' | 'ndjson',
  encoding: 'utf-8' | 'gbk',
  key: 'resident_id' | 'enterprise_id',
  counts: DatasetCounts<K>,
  file: SinkResult,
) {
  return { format, encoding, key, firstRowLine: format === 'csv' ? 2 : 1, ...counts, ...file };
}

export async function generateSamples(opts: GenerateSamplesOptions): Promise<SampleManifest> {
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const residentCount = count(opts.residents, DEFAULT_RESIDENT_COUNT, 'residents');
  const enterpriseCount = count(opts.enterprises, DEFAULT_ENTERPRISE_COUNT, 'enterprises');
  const rates = {
    residents: resolveRates(RESIDENT_DEFECTS, DEFAULT_RESIDENT_RATES, opts.rates?.residents, 'residents'),
    enterprises: resolveRates(ENTERPRISE_DEFECTS, DEFAULT_ENTERPRISE_RATES, opts.rates?.enterprises, 'enterprises'),
  };
  const out = opts.outDir;
  await mkdir(out, { recursive: true });
  const root = new Prng(seed);
  // Truth entries go to scratch files first, since the counts that precede them are known only at the end.
  const residentTruth = new FileSink(join(out, '.truth-residents.partial'));
  const enterpriseTruth = new FileSink(join(out, '.truth-enterprises.partial'));

  try {
    const residentsCsv = new FileSink(join(out, 'residents.csv'));
    const residentsNdjson = new FileSink(join(out, 'residents.ndjson'));
    const residents = await writeDataset({
      rows: generateResidents({ rng: root.fork('residents'), count: residentCount, rates: rates.residents }),
      columns: RESIDENT_COLUMNS,
      kinds: RESIDENT_DEFECTS,
      kindInfo: RESIDENT_DEFECT_KINDS,
      key: 'resident_id',
      csv: residentsCsv,
      ndjson: residentsNdjson,
      truth: residentTruth,
    });
    const residentsCsvFile = await residentsCsv.close();
    const residentsNdjsonFile = await residentsNdjson.close();

    const enterprisesCsv = new FileSink(join(out, 'enterprises.csv'), 'gbk');
    const pilots = new FileSink(join(out, 'credit-code-pilots.txt'));
    let pilotCount = 0;
    const enterprises = await writeDataset({
      rows: generateEnterprises({ rng: root.fork('enterprises'), count: enterpriseCount, rates: rates.enterprises }),
      columns: ENTERPRISE_COLUMNS,
      kinds: ENTERPRISE_DEFECTS,
      kindInfo: ENTERPRISE_DEFECT_KINDS,
      key: 'enterprise_id',
      csv: enterprisesCsv,
      truth: enterpriseTruth,
      onDefect: async (note) => {
        if (note.defect !== 'credit_code_pilot') return;
        pilotCount++;
        await pilots.write(`${note.value}\n`);
      },
    });
    const enterprisesCsvFile = await enterprisesCsv.close();
    const pilotsFile = await pilots.close();

    const manifest: SampleManifest = {
      generator: GENERATOR_ID,
      seed,
      referenceDate: REFERENCE_DATE,
      rates,
      kinds: { residents: RESIDENT_DEFECT_KINDS, enterprises: ENTERPRISE_DEFECT_KINDS },
      files: {
        'residents.csv': summary('csv', 'utf-8', 'resident_id', residents, residentsCsvFile),
        'residents.ndjson': summary('ndjson', 'utf-8', 'resident_id', residents, residentsNdjsonFile),
        'enterprises.csv': summary('csv', 'gbk', 'enterprise_id', enterprises, enterprisesCsvFile),
        'credit-code-pilots.txt': {
          format: 'text',
          encoding: 'utf-8',
          description: 'Known pilot credit codes: well-formed, fail the check, legal. Flag rows with these, do not drop them.',
          rows: pilotCount,
          ...pilotsFile,
        },
      },
    };
    await residentTruth.close();
    await enterpriseTruth.close();
    await writeTruth(join(out, 'truth.json'), manifest, residentTruth.path, enterpriseTruth.path);
    await writeHouseholdDrops(out);
    const fusionPopulation = count(opts.fusionPopulation, DEFAULT_FUSION_POPULATION, 'fusionPopulation');
    if (fusionPopulation > 0) {
      const fusion = { population: fusionPopulation, seed, coverage: opts.fusionCoverage };
      await writeFusionSources(join(out, 'fusion'), fusion);
      await writeFusionChanges(join(out, 'fusion'), fusion);
    }
    return manifest;
  } finally {
    await Promise.allSettled([residentTruth.close(), enterpriseTruth.close()]);
    await rm(residentTruth.path, { force: true });
    await rm(enterpriseTruth.path, { force: true });
  }
}

async function writeTruth(path: string, manifest: SampleManifest, residentsPart: string, enterprisesPart: string): Promise<void> {
  const truth = new FileSink(path);
  const head = JSON.stringify(manifest, null, 2);
  // Reopen the manifest's closing brace to add the per-row entries after it.
  await truth.write(`${head.slice(0, head.lastIndexOf('\n}'))},\n  "defectiveRows": {\n    "residents.csv": [`);
  await truth.copyFrom(createReadStream(residentsPart));
  await truth.write('\n    ],\n    "enterprises.csv": [');
  await truth.copyFrom(createReadStream(enterprisesPart));
  await truth.write('\n    ]\n  }\n}\n');
  await truth.close();
}
