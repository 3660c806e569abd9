import { z } from 'zod';
import { sensitivityLevelSchema } from './masking.ts';

/** The highest catalogue level a department may receive unmasked (distributions refuse more, naming the columns). */
const maxUnmaskedLevelSchema = sensitivityLevelSchema.default('L1');

/** A PostgreSQL connection. Put the secret in the environment: `url: ${HR_DB_URL}` or `urlEnv: HR_DB_URL`. */
export const postgresConnectionSchema = z
  .object({
    type: z.literal('postgres'),
    url: z.string().optional(),
    urlEnv: z.string().optional(),
    /** Session time zone for reading (how timestamptz values print, e.g. in quarantine records); default: the server's. */
    timeZone: z.string().min(1).optional(),
    maxUnmaskedLevel: maxUnmaskedLevelSchema,
    description: z.string().optional(),
  })
  .refine((c) => Boolean(c.url) !== Boolean(c.urlEnv), { message: 'give exactly one of url or urlEnv' });

/**
 * A folder that file sources read from, or that shares write extracts into; paths in job specs are
 * relative to it and may not escape it. `maxUnmaskedLevel` is what an extract written there may hold unmasked.
 */
export const filesConnectionSchema = z.object({
  type: z.literal('files'),
  root: z.string().min(1),
  maxUnmaskedLevel: maxUnmaskedLevelSchema,
  description: z.string().optional(),
});

/** A connection given by one URL, in the config (`url: ${VAR}`) or named by an environment variable (`urlEnv`). */
function urlConnectionSchema<T extends string>(type: T) {
  return z
    .object({
      type: z.literal(type),
      url: z.string().optional(),
      urlEnv: z.string().optional(),
      maxUnmaskedLevel: maxUnmaskedLevelSchema,
      description: z.string().optional(),
    })
    .refine((c) => Boolean(c.url) !== Boolean(c.urlEnv), { message: 'give exactly one of url or urlEnv' });
}

/**
 * A MySQL or MariaDB database (a department's), e.g. `url: ${CIVIL_AFFAIRS_DB_URL}` holding
 * `mysql://user:password@host:3306/database`. Sessions run in UTC with strict SQL mode.
 */
export const mysqlConnectionSchema = urlConnectionSchema('mysql');

/**
 * A NATS server (or cluster) with JetStream: `url: nats://host:4222`, several comma-separated for a
 * cluster; credentials in the URL's user info, from the environment (`urlEnv`).
 */
export const natsConnectionSchema = urlConnectionSchema('nats');

/** An MQTT broker: `url: mqtt://user:password@host:1883` (or mqtts://), best from the environment (`urlEnv`). */
export const mqttConnectionSchema = urlConnectionSchema('mqtt');

export const connectionSchema = z.discriminatedUnion('type', [
  postgresConnectionSchema,
  mysqlConnectionSchema,
  filesConnectionSchema,
  natsConnectionSchema,
  mqttConnectionSchema,
]);

export type PostgresConnection = z.infer<typeof postgresConnectionSchema>;
export type MysqlConnection = z.infer<typeof mysqlConnectionSchema>;
export type FilesConnection = z.infer<typeof filesConnectionSchema>;
export type NatsConnection = z.infer<typeof natsConnectionSchema>;
export type MqttConnection = z.infer<typeof mqttConnectionSchema>;
export type Connection = z.infer<typeof connectionSchema>;
