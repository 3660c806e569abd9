import { resolve } from 'node:path';
import { generateSamples } from '../../samples/generator/write.ts';

export async function samplesCommand(options: { out: string; residents: number; enterprises: number; seed: number }): Promise<number> {
  const manifest = await generateSamples({ outDir: resolve(options.out), residents: options.residents, enterprises: options.enterprises, seed: options.seed });
  console.log(`wrote ${resolve(options.out)}: ${JSON.stringify({ seed: manifest.seed, rows: manifest.rows })}`);
  return 0;
}
