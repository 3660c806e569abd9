import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../config/load-config.ts';
import { migrateLatest } from '../../db/migrate.ts';
import { ensureDatabase } from '../../db/ensure-database.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { startDevServer } from '../../temporal/dev-server.ts';
import { createWorker } from '../../workers/create-worker.ts';
import { reconcileAtStartup } from '../../workers/startup-reconcile.ts';
import { connectClient } from '../../temporal/client.ts';
import { ensureReconcileSchedule } from '../../temporal/reconcile-schedule.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { describeUrl } from '../../config/redact.ts';
import { stateDir } from '../state-dir.ts';

export interface DevOptions {
  port: number;
  uiPort: number;
  worker: boolean;
  detach?: boolean;
}

interface DevState {
  pid: number;
  address: string;
  uiUrl?: string;
  startedAt: string;
}

const stateFile = () => join(stateDir(), 'dev.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readDevState(): DevState | undefined {
  if (!existsSync(stateFile())) return undefined;
  const state = JSON.parse(readFileSync(stateFile(), 'utf8')) as DevState;
  return isAlive(state.pid) ? state : undefined;
}

export async function answers(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

function banner(state: { address: string; uiUrl?: string }, worker: boolean): string {
  return [
    `Temporal dev server  ${state.address}`,
    state.uiUrl ? `Web UI               ${state.uiUrl}` : '',
    `PostgreSQL           ${describeUrl(loadConfig().databaseUrl)}`,
    worker ? 'Worker               task queue dataops' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/** The reconcile schedule on the dev server: terminated runs do not stay `running` here either. */
async function ensureMaintenance(config: ReturnType<typeof loadConfig>): Promise<void> {
  const client = await connectClient(config);
  try {
    await ensureReconcileSchedule(client, config.temporal.taskQueue);
  } finally {
    await client.connection.close();
  }
}

/** Foreground: dev server (history kept in .state/), migrations, a worker; Ctrl-C stops everything. */
export async function devCommand(options: DevOptions): Promise<number> {
  if (options.detach) return devDetached(options);
  const address = `127.0.0.1:${options.port}`;
  if (await answers(address)) {
    console.error(`a Temporal server already answers at ${address}; stop it first (dataops dev stop) or pick --port`);
    return 1;
  }
  // Before anything starts: an unreachable database is reported as `migrate` reports it.
  await ensureDatabase(loadConfig().databaseUrl);
  const dir = stateDir();
  const server = await startDevServer({ port: options.port, uiPort: options.uiPort, dbFile: join(dir, 'temporal.sqlite'), logFile: join(dir, 'temporal.log') });
  process.env.TEMPORAL_ADDRESS = server.address;
  try {
    const config = loadConfig();
    const migrated = await migrateLatest(config.databaseUrl);
    if (migrated.applied.length) console.log(`migrations applied: ${migrated.applied.join(', ')}`);
    const state: DevState = { pid: process.pid, address: server.address, uiUrl: server.uiUrl, startedAt: new Date().toISOString() };
    await ensureMaintenance(config);
    if (options.worker) {
      const { worker, connection } = await createWorker({ config });
      reconcileAtStartup(config);
      writeFileSync(stateFile(), JSON.stringify(state));
      console.log(banner(state, true));
      try {
        await worker.run();
      } finally {
        await connection.close();
      }
    } else {
      writeFileSync(stateFile(), JSON.stringify(state));
      console.log(banner(state, false));
      await new Promise<void>((resolveWait) => {
        process.once('SIGINT', resolveWait);
        process.once('SIGTERM', resolveWait);
      });
    }
    return 0;
  } finally {
    rmSync(stateFile(), { force: true });
    await closeAllDbs();
    await server.stop();
  }
}

/** Starts `dataops dev` in the background and returns once its worker is ready. */
export async function devDetached(options: DevOptions, quiet = false): Promise<number> {
  const running = readDevState();
  if (running) {
    if (!quiet) console.log(`already running (pid ${running.pid})\n${banner(running, true)}`);
    return 0;
  }
  // Checked here, not only in the child: its failure would otherwise just say "see dev.log".
  await ensureDatabase(loadConfig().databaseUrl);
  const log = join(stateDir(), 'dev.log');
  const fd = openSync(log, 'a');
  // This process's own flags (the young-generation size among them), so the child runs as is and not
  // through bin/dataops.mjs's re-spawn: its pid is then the one it records.
  const args = [
    ...process.execArgv,
    join(PROJECT_ROOT, 'bin', 'dataops.mjs'),
    'dev',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    ...(options.worker ? [] : ['--no-worker']),
  ];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd], env: process.env });
  child.unref();
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const state = readDevState();
    if (state && state.pid === child.pid) {
      if (!quiet) console.log(`${banner(state, options.worker)}\nrunning in the background (pid ${state.pid}, log ${log}); stop with: dataops dev stop`);
      return 0;
    }
    if (child.exitCode !== null || !isAlive(child.pid!)) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  console.error(`dataops dev did not start; see ${log}`);
  return 1;
}

export async function devStopCommand(): Promise<number> {
  const state = readDevState();
  if (!state) {
    console.log('no background dev server is running');
    return 0;
  }
  process.kill(-state.pid, 'SIGTERM');
  const deadline = Date.now() + 20_000;
  while (isAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  if (isAlive(state.pid)) process.kill(-state.pid, 'SIGKILL');
  rmSync(stateFile(), { force: true });
  console.log(`stopped dev server (pid ${state.pid})`);
  return 0;
}

export async function devStatusCommand(): Promise<number> {
  const state = readDevState();
  if (!state) {
    console.log('no background dev server is running (start one with: dataops dev --detach)');
    return 1;
  }
  console.log(`${banner(state, true)}\npid ${state.pid}, started ${state.startedAt}`);
  return 0;
}
