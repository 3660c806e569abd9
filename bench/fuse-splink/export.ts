// Writes the generator's fusion sources for Splink: one UTF-8 CSV per source with the same English columns,
// and truth.csv (unique_id → person_key). The values are exactly the generator's (civil_affairs' too, which
// the bundled files hold in GBK with Chinese headers): cleaning them is the linker's job, not the export's.
//
// usage: node --import tsx bench/fuse-splink/export.ts --out DIR [--population N] [--seed S] [--coverage C]

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { csvLine } from '../../samples/generator/csv.ts';
import { type FusionOptions, generateFusionSources, recordRef } from '../../samples/generator/fusion-sources.ts';
import { DEFAULT_FUSION_SOURCES, FUSION_FIELDS } from '../../samples/generator/fusion-spec.ts';
import { FileSink } from '../../samples/generator/sink.ts';

export const SPLINK_COLUMNS = ['unique_id', 'source_dataset', ...FUSION_FIELDS] as const;

export interface ExportSummary {
  readonly population: number;
  readonly seed: number;
  readonly coverage: number | null;
  readonly records: number;
  readonly perSource: Readonly<Record<string, number>>;
}

export async function exportForSplink(outDir: string, opts: FusionOptions): Promise<ExportSummary> {
  await mkdir(outDir, { recursive: true });
  const specs = opts.sources ?? DEFAULT_FUSION_SOURCES;
  // For each source: position in its own column order of each FUSION_FIELDS field.
  const positions = specs.map((s) => FUSION_FIELDS.map((f) => s.columns.findIndex((c) => c.field === f)));
  const sinks = specs.map((s) => new FileSink(join(outDir, `${s.name}.csv`)));
  const truth = new FileSink(join(outDir, 'truth.csv'));
  await Promise.all(sinks.map((s) => s.write(csvLine(SPLINK_COLUMNS))));
  await truth.write(csvLine(['unique_id', 'person_key']));
  const it = generateFusionSources(opts);
  let step = it.next();
  while (!step.done) {
    const r = step.value;
    const id = recordRef(r.source, r.recordId);
    const pos = positions[r.sourceIndex]!;
    await sinks[r.sourceIndex]!.write(csvLine([id, r.source, ...pos.map((p) => r.values[p]!)]));
    await truth.write(csvLine([id, r.personKey]));
    step = it.next();
  }
  await Promise.all([...sinks.map((s) => s.close()), truth.close()]);
  const summary: ExportSummary = {
    population: opts.population,
    seed: opts.seed,
    coverage: opts.coverage ?? null,
    records: step.value.records,
    perSource: step.value.perSource,
  };
  await writeFile(join(outDir, 'export.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      population: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '20261201' },
      coverage: { type: 'string' },
    },
  });
  if (values.out === undefined) throw new Error('usage: export.ts --out DIR [--population N] [--seed S] [--coverage C]');
  const population = Number(values.population);
  const seed = Number(values.seed);
  const coverage = values.coverage === undefined ? undefined : Number(values.coverage);
  const started = performance.now();
  const summary = await exportForSplink(values.out, { population, seed, ...(coverage === undefined ? {} : { coverage }) });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ ...summary, exportSeconds: Number(seconds.toFixed(1)) }));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
