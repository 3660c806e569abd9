// npx tsx samples/generator/cli.ts --out samples/data [--residents 2000] [--enterprises 500] [--seed 20261126]
//   [--rate residents.duplicate=0.05 ...] [--fusion-population 2000 [--fusion-coverage 1] [--fusion-only]]

import { writeFusionChanges, writeFusionSources } from './fusion-write.ts';
import { join } from 'node:path';
import { DEFAULT_ENTERPRISE_COUNT, DEFAULT_FUSION_POPULATION, DEFAULT_RESIDENT_COUNT, DEFAULT_SEED, generateSamples, type SampleRatesInput } from './write.ts';

const USAGE = `usage: cli.ts --out DIR [--residents N] [--enterprises N] [--seed N] [--rate DATASET.KIND=RATE ...]
  defaults: --residents ${DEFAULT_RESIDENT_COUNT} --enterprises ${DEFAULT_ENTERPRISE_COUNT} --seed ${DEFAULT_SEED}
  DATASET is residents or enterprises; RATE is a fraction of rows, e.g. --rate residents.duplicate=0.05
  --fusion-population N (default ${DEFAULT_FUSION_POPULATION}; 0 for none): DIR/fusion/ holds three overlapping department
  sources of N persons, their truth, and a second version in DIR/fusion/v2/; --fusion-coverage C puts each
  person in each source with probability C (1: every source holds everyone); --fusion-only skips the rest`;

interface CliArgs {
  out: string;
  seed?: number;
  residents?: number;
  enterprises?: number;
  rates: { residents: Record<string, number>; enterprises: Record<string, number> };
  fusionPopulation?: number;
  fusionCoverage?: number;
  fusionOnly?: boolean;
}

function integer(flag: string, raw: string): number {
  // Allow 1_000_000 as well as 1000000.
  const n = Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(n)) throw new Error(`${flag} needs an integer, got '${raw}'`);
  return n;
}

function parseArgs(argv: readonly string[]): CliArgs | 'help' {
  let out: string | undefined;
  const args: Omit<CliArgs, 'out'> = { rates: { residents: {}, enterprises: {} } };
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i]!;
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    if (flag === '--help' || flag === '-h') return 'help';
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--out':
        out = next();
        break;
      case '--seed':
        args.seed = integer(flag, next());
        break;
      case '--residents':
        args.residents = integer(flag, next());
        break;
      case '--enterprises':
        args.enterprises = integer(flag, next());
        break;
      case '--fusion-population':
        args.fusionPopulation = integer(flag, next());
        break;
      case '--fusion-coverage':
        args.fusionCoverage = Number(next());
        break;
      case '--fusion-only':
        args.fusionOnly = true;
        break;
      case '--rate': {
        const m = /^(residents|enterprises)\.([a-z0-9_]+)=(.+)$/.exec(next());
        const rate = m ? Number(m[3]) : Number.NaN;
        if (!m || Number.isNaN(rate)) throw new Error('--rate needs DATASET.KIND=RATE, e.g. residents.duplicate=0.05');
        args.rates[m[1] as 'residents' | 'enterprises'][m[2]!] = rate;
        break;
      }
      default:
        throw new Error(`unknown argument '${flag}'`);
    }
  }
  if (out === undefined) throw new Error('--out is required');
  return { out, ...args };
}

async function main(): Promise<void> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  if (args.fusionOnly) {
    const opts = { population: args.fusionPopulation ?? DEFAULT_FUSION_POPULATION, seed: args.seed ?? DEFAULT_SEED, coverage: args.fusionCoverage };
    const dir = join(args.out, 'fusion');
    const f = await writeFusionSources(dir, opts);
    const c = await writeFusionChanges(dir, opts);
    console.log(
      `wrote ${dir}: ${f.summary.records} records of ${f.summary.persons} persons (${Object.entries(f.summary.perSource)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')}); v2: ${c.updated} updated, ${c.inserted} inserted, ${c.deleted} deleted, ` +
        `${c.affectedPersons.length} persons affected, ${((performance.now() - started) / 1000).toFixed(1)}s`,
    );
    return;
  }
  const m = await generateSamples({
    outDir: args.out,
    seed: args.seed,
    residents: args.residents,
    enterprises: args.enterprises,
    // Unknown kinds are rejected by generateSamples with a clear message.
    rates: args.rates as SampleRatesInput,
    fusionPopulation: args.fusionPopulation,
    fusionCoverage: args.fusionCoverage,
  });
  const r = m.files['residents.csv'];
  const e = m.files['enterprises.csv'];
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `wrote ${args.out}: ${r.rows} residents (${r.rows - r.clean} defective), ` +
      `${e.rows} enterprises (${e.rows - e.clean} defective, ${e.encoding}), seed ${m.seed}, ${seconds}s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
