import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configFileSchema, configSchema, DEFAULT_DATABASE_URL, type Config } from '../schemas/config.ts';
import { PROJECT_ROOT } from '../temporal/cli-locator.ts';
import { formatZodError, suggestKnownKeys } from '../schemas/format-error.ts';

/** Shanghai's district centres work in China Standard Time; timestamps the centre shows are in it. */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export const DEFAULT_CONNECTIONS: Config['connections'] = {
  samples: { type: 'files', root: resolve(PROJECT_ROOT, 'samples', 'data'), maxUnmaskedLevel: 'L1', description: 'bundled sample data' },
  outbox: {
    type: 'files',
    root: resolve(PROJECT_ROOT, 'out', 'shares'),
    maxUnmaskedLevel: 'L1',
    description: 'local folder the sample shares write extracts to',
  },
  centre_nats: { type: 'nats', url: 'nats://127.0.0.1:4222', maxUnmaskedLevel: 'L1', description: "the centre's NATS JetStream (sample streams)" },
  centre_mqtt: { type: 'mqtt', url: 'mqtt://127.0.0.1:1883', maxUnmaskedLevel: 'L1', description: "the centre's MQTT broker (sample devices)" },
};

/** Replaces `${VAR}` with the environment's value, so config files can name secrets without holding them. */
function interpolateEnv(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => env[name] ?? '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const explicit = env.DATAOPS_CONFIG;
  const path = explicit ? resolve(explicit) : resolve('dataops.config.yaml');
  let file = {} as ReturnType<typeof configFileSchema.parse>;
  if (explicit && !existsSync(path)) throw new Error(`DATAOPS_CONFIG=${explicit}: no such file`);
  if (existsSync(path)) {
    const parsed = configFileSchema.safeParse(parseYaml(interpolateEnv(readFileSync(path, 'utf8'), env)) ?? {}, { error: suggestKnownKeys });
    if (!parsed.success) throw new Error(`invalid config file ${path}:\n${formatZodError(parsed.error)}`);
    file = parsed.data;
  }
  const config = {
    databaseUrl: env.DATABASE_URL ?? file.database?.url ?? DEFAULT_DATABASE_URL,
    temporal: {
      address: env.TEMPORAL_ADDRESS ?? file.temporal?.address ?? '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE ?? file.temporal?.namespace ?? 'default',
      taskQueue: env.DATAOPS_TASK_QUEUE ?? file.temporal?.taskQueue ?? 'dataops',
      apiKey: file.temporal?.apiKeyEnv ? env[file.temporal.apiKeyEnv] : env.TEMPORAL_API_KEY,
      tls: env.TEMPORAL_TLS ? env.TEMPORAL_TLS === 'true' : (file.temporal?.tls ?? false),
    },
    connections: { ...DEFAULT_CONNECTIONS, ...(file.connections ?? {}) },
    logLevel: env.LOG_LEVEL ?? file.logLevel ?? 'info',
    timeZone: env.DATAOPS_TIME_ZONE ?? file.timeZone ?? DEFAULT_TIME_ZONE,
    masking: file.masking,
    configFile: existsSync(path) ? path : undefined,
  };
  const checked = configSchema.safeParse(config);
  if (!checked.success) throw new Error(`invalid configuration:\n${formatZodError(checked.error)}`);
  return checked.data;
}
