import { resolve } from 'node:path';
import { generateSamples } from '../../samples/generator/write.ts';

export async function samplesCommand(options: { out: string; residents: number; enterprises: number; seed: number }): Promise<number> {
  const manifest = await generateSamples({ outDir: resolve(options.out), residents: options.residents, enterprises: options.enterprises, seed: options.seed });
  const files = Object.entries(manifest.files).map(([name, f]) => ('rows' in f ? `${name} ${f.rows} rows` : name));
  console.log(`wrote ${resolve(options.out)} (seed ${manifest.seed}): ${files.join(', ')}`);
  return 0;
}
