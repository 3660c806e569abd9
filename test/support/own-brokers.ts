import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A broker of the test's own, on its own port, so a test may stop and restart it while the shared
 * brokers (NATS 4222, Mosquitto 1883) stay up for everyone else. Data lives in `dir` across restarts.
 */
export interface OwnBroker {
  port: number;
  url: string;
  dir: string;
  start(): Promise<void>;
  /** SIGKILL: the broker gets no chance to flush or say goodbye. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** The running broker's process id (to freeze it with SIGSTOP). */
  pid(): number | undefined;
}

/** A free TCP port in a range no shared service uses. */
export async function freePort(from: number): Promise<number> {
  for (let port = from; port < from + 500; port++) {
    const inUse = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!inUse) return port;
  }
  throw new Error(`no free port from ${from}`);
}

async function waitForPort(port: number, up: boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const listening = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (listening === up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} did not ${up ? 'open' : 'close'} within ${timeoutMs} ms`);
}

function ownBroker(port: number, dir: string, scheme: string, command: () => [string, string[]]): OwnBroker {
  let child: ChildProcess | undefined;
  const end = async (signal: NodeJS.Signals) => {
    if (!child) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill(signal);
    await exited;
    child = undefined;
    await waitForPort(port, false);
  };
  return {
    port,
    dir,
    url: `${scheme}://127.0.0.1:${port}`,
    async start() {
      const [file, args] = command();
      child = spawn(file, args, { stdio: 'ignore' });
      await waitForPort(port, true);
    },
    kill: () => end('SIGKILL'),
    pid: () => child?.pid,
    stop: () => end('SIGTERM'),
  };
}

/** `nats-server -js` on its own port, storing JetStream data under its own folder. */
export async function ownNatsServer(): Promise<OwnBroker> {
  const port = await freePort(14222);
  const dir = mkdtempSync(join(tmpdir(), 'dataops-nats-'));
  return ownBroker(port, dir, 'nats', () => ['nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir]]);
}

/**
 * `mosquitto` on its own port with persistence on (QoS 1 messages of persistent sessions survive its
 * restart). It saves its database every second, so a test waits over a second before a SIGKILL whose
 * aftermath depends on what was saved. Started as root, mosquitto drops to the `mosquitto` user, which
 * cannot write a folder made by mkdtemp (mode 0700, root's): it then saves nothing and a restart loses
 * every session. `user root` keeps it as the test's user (ignored when that is not root).
 * `extraConfig`: more mosquitto.conf lines (e.g. `max_packet_size 1000`).
 */
export async function ownMosquitto(extraConfig: readonly string[] = []): Promise<OwnBroker> {
  const port = await freePort(11883);
  const dir = mkdtempSync(join(tmpdir(), 'dataops-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'user root',
      'persistence true',
      `persistence_location ${dir}/`,
      'autosave_interval 1',
      'max_queued_messages 0',
      'max_inflight_messages 0',
      `log_dest file ${dir}/mosquitto.log`,
      ...extraConfig,
      '',
    ].join('\n'),
  );
  return ownBroker(port, dir, 'mqtt', () => ['mosquitto', ['-c', conf]]);
}
