import { join } from 'node:path';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { loadConfig } from '../../config/load-config.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { connectClient } from '../../temporal/client.ts';
import { ensureSearchAttributes } from '../../temporal/ensure-search-attributes.ts';
import { createWorker } from '../../workers/create-worker.ts';
import { answers, devDetached, readDevState } from './dev.ts';
import { runCommand } from './run.ts';
import { catalogListCommand } from './catalog.ts';
import { qualityCommand } from './quality.ts';

/**
 * Collect both registers into the raw layer, cleanse them into the clean layer, tag the residents; then
 * collect three departments' overlapping registers and fuse them into golden records.
 */
export const DEMO_JOBS = [
  'collect-residents.yaml',
  'collect-enterprises.yaml',
  'cleanse-residents.yaml',
  'cleanse-enterprises.yaml',
  'tag-residents.yaml',
  'pipeline-fusion.yaml',
];

/**
 * The README's first command: a real pipeline on the bundled samples. Uses the background dev server
 * if one runs, starts one if nothing answers on 127.0.0.1:7233, and otherwise (a server of your own, or
 * TEMPORAL_ADDRESS) runs a worker in this process for the duration of the demo.
 */
export async function demoCommand(): Promise<number> {
  let ownWorker: { worker: Worker; connection: NativeConnection; running: Promise<void> } | undefined;
  const dev = readDevState();
  if (dev && !process.env.TEMPORAL_ADDRESS) {
    process.env.TEMPORAL_ADDRESS = dev.address;
  } else if (!process.env.TEMPORAL_ADDRESS && !(await answers('127.0.0.1:7233'))) {
    const started = await devDetached({ port: 7233, uiPort: 8233, worker: true });
    if (started !== 0) return started;
    process.env.TEMPORAL_ADDRESS = readDevState()?.address ?? '127.0.0.1:7233';
  } else {
    const config = loadConfig();
    console.log(`using the Temporal server at ${config.temporal.address} with a worker in this process`);
    await migrateLatest(config.databaseUrl);
    const client = await connectClient(config);
    await ensureSearchAttributes(client.connection as Parameters<typeof ensureSearchAttributes>[0], config.temporal.namespace);
    await client.connection.close();
    const { worker, connection } = await createWorker({ config });
    ownWorker = { worker, connection, running: worker.run() };
  }
  try {
    for (const job of DEMO_JOBS) {
      console.log(`\n== ${job}`);
      const code = await runCommand(join(PROJECT_ROOT, 'samples', 'jobs', job), { wait: true });
      if (code !== 0) return code;
    }
    console.log('\n== catalogue');
    await catalogListCommand({});
    console.log('\n== quality of the cleansed residents');
    await qualityCommand('minhang-residents-clean', { runs: 5 });
    const ui = readDevState()?.uiUrl ?? process.env.DATAOPS_UI_URL;
    console.log(
      `\nNext: ./bin/dataops.mjs runs · ./bin/dataops.mjs quarantine list minhang-residents-clean · ./bin/dataops.mjs tags --job tag-residents · ./bin/dataops.mjs review list --job fuse-residents · Web UI: ${ui ? `${ui}/namespaces/default/workflows` : '(your cluster UI)'}`,
    );
    return 0;
  } finally {
    if (ownWorker) {
      ownWorker.worker.shutdown();
      await ownWorker.running;
      await ownWorker.connection.close();
    }
  }
}
