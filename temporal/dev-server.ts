import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { locateTemporalCli, type TemporalCli } from './cli-locator.ts';
import { devServerSearchAttributeFlags } from './search-attributes.ts';
import { ensureSearchAttributes } from './ensure-search-attributes.ts';
import { freePort } from './free-port.ts';

export interface DevServerOptions {
  port?: number;
  /** Web UI port; `false` runs headless. Defaults to 8233 when a port is not given, else a free port. */
  uiPort?: number | false;
  /** SQLite file that keeps history across restarts; omitted = in memory. */
  dbFile?: string;
  /** Where the server's own output goes; omitted = discarded. */
  logFile?: string;
  namespace?: string;
  /** How long to wait for the server to answer; the SDK's own launcher allows only 5 s. */
  readyTimeoutMs?: number;
  /** Keep running after this process exits (used by `dataops dev --detach`). */
  detached?: boolean;
  cli?: TemporalCli;
}

export interface DevServerHandle {
  address: string;
  uiUrl?: string;
  namespace: string;
  pid?: number;
  cliSource: TemporalCli['source'];
  stop(): Promise<void>;
}

async function waitUntilServing(address: string, namespace: string, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`Temporal dev server exited with code ${child.exitCode} before it was ready`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        await ensureSearchAttributes(connection, namespace);
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`Temporal dev server at ${address} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/** Starts `temporal server start-dev` with the dataops search attributes and waits until it serves. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServerHandle> {
  const namespace = options.namespace ?? 'default';
  const cli = options.cli ?? locateTemporalCli();
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort === undefined ? (options.port === undefined ? await freePort() : 8233) : options.uiPort;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const address = `127.0.0.1:${port}`;
  const uiUrl = uiPort === false ? undefined : `http://127.0.0.1:${uiPort}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...devServerSearchAttributeFlags(),
    ...(uiPort === false ? ['--headless'] : ['--ui-port', String(uiPort)]),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
  ];

  if (cli.source === 'sdk-download') {
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port,
        namespace,
        extraArgs: args
          .slice(2)
          .filter((a, i, all) => !['--ip', '--port', '--namespace'].includes(a) && !['--ip', '--port', '--namespace'].includes(all[i - 1] ?? '')),
      },
    });
    await waitUntilServing(address, namespace, readyTimeoutMs);
    return { address, uiUrl, namespace, cliSource: cli.source, stop: () => env.teardown() };
  }

  if (options.dbFile) mkdirSync(dirname(options.dbFile), { recursive: true });
  let stdio: 'ignore' | ['ignore', number, number] = 'ignore';
  if (options.logFile) {
    mkdirSync(dirname(options.logFile), { recursive: true });
    const fd = openSync(options.logFile, 'a');
    stdio = ['ignore', fd, fd];
  }
  const child = spawn(cli.path, args, { stdio, detached: options.detached ?? false });
  if (options.detached) child.unref();
  try {
    await waitUntilServing(address, namespace, readyTimeoutMs, child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { address, uiUrl, namespace, pid: child.pid, cliSource: cli.source, stop: () => stopChild(child) };
}
