#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so there is no build step between a change and a run.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { totalmem } from 'node:os';
import { constrainedMemory } from 'node:process';

// Workers parse millions of short-lived strings per batch: with V8's default 16 MiB semi-spaces they
// survive into old space and garbage collection took a third of a collection's time. The young
// generation can only be sized at start-up, so the command re-runs itself with the flag once.
const YOUNG_GENERATION = '--max-semi-space-size=64';
const configured = process.execArgv.some((a) => a.startsWith('--max-semi-space-size')) || (process.env.NODE_OPTIONS ?? '').includes('--max-semi-space-size');
// Fusion matches all of a job's records in one activity's memory (up to about 2 GB per million
// records): V8's default heap limit (about 4 GB) would end a worker at two million. Allow 60% of the
// machine's memory, or of the container's limit when there is one, unless told otherwise (with
// --max-old-space-size, or --max-semi-space-size, in NODE_OPTIONS); the flag reserves nothing.
const oldSpaceSet = process.execArgv.some((a) => a.startsWith('--max-old-space-size')) || (process.env.NODE_OPTIONS ?? '').includes('--max-old-space-size');
const limit = constrainedMemory?.() || 0;
const memory = limit > 0 && limit < totalmem() ? limit : totalmem();
const OLD_GENERATION = oldSpaceSet ? [] : [`--max-old-space-size=${Math.max(1024, Math.floor((memory / 2 ** 20) * 0.6))}`];

if (configured) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else {
  const child = spawn(process.execPath, [YOUNG_GENERATION, ...OLD_GENERATION, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // Ctrl-C reaches the whole foreground process group already; forward what is sent to this process alone.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 0);
  });
}
