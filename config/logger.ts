import pino, { type Logger } from 'pino';
import { redactSecrets } from './redact.ts';

const SECRET_PATHS = [
  'password',
  '*.password',
  'url',
  '*.url',
  'databaseUrl',
  '*.databaseUrl',
  'connectionString',
  '*.connectionString',
  'apiKey',
  '*.apiKey',
  'headers.authorization',
  // A resolved masking key ({ version, algorithm, secret }) wherever it is logged; the config itself
  // only names the environment variable (masking.keys.<version>.secretEnv), which is not secret.
  'secret',
  '*.secret',
  '*.*.secret',
  'masking.keys.*.secret',
];

function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: redactSecrets(value.message), stack: value.stack && redactSecrets(value.stack) };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, depth + 1)]));
}

let root: Logger | undefined;

/** The one process-wide logger; use `.child({ runId, activity })` for runs and activities. */
export function logger(): Logger {
  root ??= pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { app: 'dataops' },
    redact: { paths: SECRET_PATHS, censor: '***' },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>);
      },
    },
  });
  return root;
}
