import { join } from 'node:path';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { devDetached, readDevState } from './dev.ts';
import { runCommand } from './run.ts';
import { catalogListCommand } from './catalog.ts';

export const DEMO_JOBS = ['collect-residents.yaml', 'collect-enterprises.yaml'];

/** The README's first command: a real pipeline on the bundled samples against a local dev server. */
export async function demoCommand(): Promise<number> {
  if (!process.env.TEMPORAL_ADDRESS) {
    const started = await devDetached({ port: 7233, uiPort: 8233, worker: true });
    if (started !== 0) return started;
    const state = readDevState();
    if (state) process.env.TEMPORAL_ADDRESS = state.address;
  }
  for (const job of DEMO_JOBS) {
    console.log(`\n== ${job}`);
    const code = await runCommand(join(PROJECT_ROOT, 'samples', 'jobs', job), { wait: true });
    if (code !== 0) return code;
  }
  console.log('\n== catalogue');
  await catalogListCommand({});
  const ui = readDevState()?.uiUrl ?? process.env.DATAOPS_UI_URL;
  console.log(`\nRun history: dataops runs   ·   Web UI: ${ui ? `${ui}/namespaces/default/workflows` : '(your cluster UI)'}`);
  return 0;
}
