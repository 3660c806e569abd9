// Writes the fusion sources as department CSV files (civil_affairs in GBK, as its export tool writes it),
// truth.csv (record → person), persons.csv (the true persons and their hard-negative links) and manifest.json.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatAddress } from './addresses.ts';
import { csvLine } from './csv.ts';
import { REFERENCE_DATE, isoDate, shanghaiTimestamp } from './dates.ts';
import type { FusionPerson } from './fusion-population.ts';
import { type FusionOptions, type FusionRecord, FusionGenerator, fusionRecordsOf, sourceHeaders, summarise, type FusionSummary } from './fusion-sources.ts';
import { type FusionChangeOptions, type FusionChangeSummary, generateFusionChanges } from './fusion-changes.ts';
import { DEFAULT_FUSION_SOURCES, defectList } from './fusion-spec.ts';
import { FileSink, type SinkResult } from './sink.ts';

export const FUSION_GENERATOR_ID = 'dataops-fusion-samples/1';
export const TRUTH_COLUMNS = ['source', 'record_id', 'person_key', 'defects'] as const;
export const PERSON_COLUMNS = [
  'person_key',
  'household',
  'role',
  'name',
  'citizen_id',
  'gender',
  'birth_date',
  'mobile',
  'phone',
  'address',
  'previous_address',
  'moved_at',
  'twin_of',
  'namesake_of',
] as const;

export function personRow(p: FusionPerson): string[] {
  return [
    p.key,
    String(p.household),
    p.role,
    p.name,
    p.citizenId,
    p.male ? '男' : '女',
    isoDate(p.birthDay),
    p.mobile,
    p.phone,
    formatAddress(p.address),
    p.previousAddress === null ? '' : formatAddress(p.previousAddress),
    p.movedAt === null ? '' : shanghaiTimestamp(p.movedAt),
    p.twinOf ?? '',
    p.namesakeOf ?? '',
  ];
}

export function truthRow(r: FusionRecord): string[] {
  return [r.source, r.recordId, r.personKey, defectList(r.defects)];
}

export interface FusionFileSummary extends SinkResult {
  readonly rows: number;
  readonly encoding: 'utf-8' | 'gbk';
  readonly department?: string;
  readonly headers?: readonly string[];
}

export interface FusionManifest {
  readonly generator: typeof FUSION_GENERATOR_ID;
  readonly seed: number;
  readonly population: number;
  readonly referenceDate: string;
  readonly summary: FusionSummary;
  readonly files: Readonly<Record<string, FusionFileSummary>>;
}

/** Streams one version of the sources into `outDir`; byte-for-byte reproducible for the options. */
export async function writeFusionSources(outDir: string, opts: FusionOptions): Promise<FusionManifest> {
  await mkdir(outDir, { recursive: true });
  const g = new FusionGenerator(opts);
  const sinks = g.sources.map((s) => new FileSink(join(outDir, `${s.spec.name}.csv`), s.spec.encoding));
  const rows = g.sources.map(() => 0);
  const truth = new FileSink(join(outDir, 'truth.csv'));
  const persons = new FileSink(join(outDir, 'persons.csv'));
  await Promise.all(g.sources.map((s, i) => sinks[i]!.write(csvLine(sourceHeaders(s.spec)))));
  await truth.write(csvLine(TRUTH_COLUMNS));
  await persons.write(csvLine(PERSON_COLUMNS));
  let last: FusionPerson | null = null;
  for (const r of fusionRecordsOf(g)) {
    if (r.person !== last) {
      last = r.person;
      await persons.write(csvLine(personRow(r.person)));
    }
    rows[r.sourceIndex]!++;
    await sinks[r.sourceIndex]!.write(csvLine(r.values));
    await truth.write(csvLine(truthRow(r)));
  }
  const files: Record<string, FusionFileSummary> = {};
  for (const [i, s] of g.sources.entries()) {
    files[`${s.spec.name}.csv`] = {
      rows: rows[i]!,
      encoding: s.spec.encoding,
      department: s.spec.department,
      headers: sourceHeaders(s.spec),
      ...(await sinks[i]!.close()),
    };
  }
  const summary = summarise(g);
  files['truth.csv'] = { rows: summary.records, encoding: 'utf-8', ...(await truth.close()) };
  files['persons.csv'] = { rows: opts.population, encoding: 'utf-8', ...(await persons.close()) };
  const manifest: FusionManifest = {
    generator: FUSION_GENERATOR_ID,
    seed: opts.seed,
    population: opts.population,
    referenceDate: REFERENCE_DATE,
    summary,
    files,
  };
  await writeFile(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/**
 * Writes the second version into `outDir/v2/`: every source as it stands after the changes, truth.csv for
 * it, changes.csv (source, record_id, person_key, op, kind) and affected-persons.txt.
 */
export async function writeFusionChanges(outDir: string, opts: FusionChangeOptions): Promise<FusionChangeSummary> {
  const dir = join(outDir, 'v2');
  await mkdir(dir, { recursive: true });
  const specs = opts.sources ?? DEFAULT_FUSION_SOURCES;
  const sinks = specs.map((s) => new FileSink(join(dir, `${s.name}.csv`), s.encoding));
  const truth = new FileSink(join(dir, 'truth.csv'));
  const changes = new FileSink(join(dir, 'changes.csv'));
  await Promise.all(specs.map((s, i) => sinks[i]!.write(csvLine(sourceHeaders(s)))));
  await truth.write(csvLine(TRUTH_COLUMNS));
  await changes.write(csvLine(['source', 'record_id', 'person_key', 'op', 'kind']));
  const it = generateFusionChanges({ ...opts, includeUnchanged: true });
  let step = it.next();
  while (!step.done) {
    const ch = step.value;
    if (ch.op !== 'keep') await changes.write(csvLine([ch.source, ch.recordId, ch.personKey, ch.op, ch.kind]));
    if (ch.op !== 'delete') {
      await sinks[ch.sourceIndex]!.write(csvLine(ch.values));
      await truth.write(csvLine([ch.source, ch.recordId, ch.personKey, defectList(ch.defects)]));
    }
    step = it.next();
  }
  await Promise.all([...sinks.map((s) => s.close()), truth.close(), changes.close()]);
  await writeFile(join(dir, 'affected-persons.txt'), step.value.affectedPersons.map((k) => `${k}\n`).join(''));
  return step.value;
}
