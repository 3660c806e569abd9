import { z } from 'zod';
import { connectionSchema } from './connections.ts';
import { maskingConfigSchema } from './masking.ts';
import { slugSchema } from './identifiers.ts';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dataops';

/** The optional YAML config file (`dataops.config.yaml` or $DATAOPS_CONFIG). */
export const configFileSchema = z
  .object({
    database: z.object({ url: z.string().optional() }).strict().optional(),
    temporal: z
      .object({
        address: z.string().optional(),
        namespace: z.string().optional(),
        taskQueue: z.string().optional(),
        apiKeyEnv: z.string().optional(),
        tls: z.boolean().optional(),
      })
      .strict()
      .optional(),
    connections: z.record(slugSchema, connectionSchema).optional(),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
    /** The centre's time zone: how the centre database's timestamps are read and shown. */
    timeZone: z.string().min(1).optional(),
    /** Pseudonym keys by version (each secret in the environment variable named here) and the current version. */
    masking: maskingConfigSchema.optional(),
  })
  .strict();

/** The resolved configuration every process works from (env overrides file, file overrides defaults). */
export const configSchema = z.object({
  databaseUrl: z.string().url('DATABASE_URL must be a URL like postgres://user@host:5432/dataops'),
  temporal: z.object({
    address: z.string().min(1),
    namespace: z.string().min(1),
    taskQueue: z.string().min(1),
    apiKey: z.string().optional(),
    tls: z.boolean(),
  }),
  connections: z.record(z.string(), connectionSchema),
  logLevel: z.string(),
  /** IANA zone the centre works in (default Asia/Shanghai). */
  timeZone: z.string().min(1),
  masking: maskingConfigSchema.optional(),
  configFile: z.string().optional(),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type Config = z.infer<typeof configSchema>;
