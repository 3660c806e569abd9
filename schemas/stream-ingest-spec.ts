import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';
import { durationMs, durationSchema } from './duration.ts';
import { referenceSchema, tableRulesSchema } from './cleanse-spec.ts';

/** The types a message field is checked against (JSON has no dates: timestamps and dates arrive as text or epoch numbers). */
export const STREAM_FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'timestamp', 'date', 'json'] as const;

/** One declared field of a message: where it is in the JSON payload and what it must be. */
export const streamFieldSchema = z
  .object({
    type: z.enum(STREAM_FIELD_TYPES),
    /** A message without it (or with null) is quarantined. */
    required: z.boolean().default(false),
    /** Dotted path into the payload (`reading.temp`); default: the field's name at the top level. */
    path: z.string().min(1).optional(),
    /** For strings: longer ones are quarantined. */
    maxLength: z.number().int().min(1).optional(),
  })
  .strict();

/** A JetStream stream read through a durable pull consumer the job creates (or updates) on first start. */
export const jetstreamSourceSchema = z
  .object({
    type: z.literal('jetstream'),
    /** A `nats` connection. */
    connection: slugSchema,
    /** The JetStream stream (it must exist: the centre does not define departments' streams). */
    stream: z.string().regex(/^[^\s.*>]{1,255}$/, 'a JetStream stream name (no spaces, dots, * or >)'),
    /** Only messages on this subject (wildcards allowed); default: the whole stream. */
    subject: z.string().min(1).optional(),
    /** Durable consumer name; default `dataops-<job>`. */
    consumer: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,255}$/, 'letters, digits, _ and - only')
      .optional(),
    /** How long the server waits for an ack before redelivering; long batches extend it with `working()`. */
    ackWait: durationSchema.default('60s'),
    /** Where a new consumer starts: every message the stream still holds, or only new ones. */
    deliver: z.enum(['all', 'new']).default('all'),
  })
  .strict();

/** MQTT device topics read with QoS 1 on a persistent session; the PUBACK follows the database commit. */
export const mqttSourceSchema = z
  .object({
    type: z.literal('mqtt'),
    /** An `mqtt` connection. */
    connection: slugSchema,
    /** Topic filters, e.g. `iot/+/+/telemetry`. */
    topics: z.array(z.string().min(1)).min(1),
    /** The persistent session's client id; default `dataops-<job>`. Two runs must never share one. */
    clientId: z.string().min(1).max(128).optional(),
    /**
     * Fields taken from topic levels: `iot/{department}/{device_id}/telemetry` puts the second level in
     * `department` and the third in `device_id` (they must be declared fields of type string).
     */
    topicFields: z.string().min(1).optional(),
  })
  .strict();

export const streamSourceSchema = z.discriminatedUnion('type', [jetstreamSourceSchema, mqttSourceSchema]);

/** A device registry: which devices may send, whose they are and how often they report. */
export const deviceRegistrySchema = z
  .object({
    /** A CSV file (`device_id,department,interval_seconds[,type]`) or a table with those columns. */
    registry: referenceSchema.or(
      z
        .object({
          type: z.literal('inline'),
          devices: z.array(z.object({ id: z.string().min(1), department: slugSchema.optional(), intervalSeconds: z.number().int().min(1) }).strict()).min(1),
        })
        .strict(),
    ),
    /** The field naming the device (from the topic or the payload). */
    deviceField: columnNameSchema,
    /** The field with the reading's time; readings later than now + maxClockSkew or older than maxAge are quarantined. */
    timestampField: columnNameSchema,
    maxClockSkew: durationSchema.default('5m'),
    maxAge: durationSchema.default('7d'),
    /** Declared ranges of readings, e.g. `temperature: { min: -40, max: 85 }`. */
    ranges: z.record(columnNameSchema, z.object({ min: z.number().optional(), max: z.number().optional() }).strict()).default({}),
  })
  .strict();

export const streamBatchSchema = z
  .object({
    /** Messages per micro-batch (one database transaction, then the acks). */
    maxMessages: z.number().int().min(1).max(50_000).default(2_000),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(8 * 1024 * 1024),
    /** A batch closes after this long even if not full, so a quiet stream still commits promptly. */
    maxWait: durationSchema.default('1s'),
  })
  .strict()
  .default({ maxMessages: 2_000, maxBytes: 8 * 1024 * 1024, maxWait: '1s' });

export const streamTargetSchema = z
  .object({
    /** The centre table good records go to (created on first start from the declared fields). */
    table: tableRefSchema,
    /** A time-partitioned table: one partition per day or month of this timestamp field, created as readings arrive. */
    partitionBy: z
      .object({ field: columnNameSchema, interval: z.enum(['day', 'month']).default('day') })
      .strict()
      .optional(),
  })
  .strict();

export const streamIngestOptionsSchema = z
  .object({
    /** A worker silent for this long is presumed dead and the stream resumes elsewhere. */
    heartbeatSeconds: z.number().int().min(2).max(600).default(30),
    /** Each ingest activity runs this long, then the workflow starts the next (a bounded unit of retry and history). */
    sliceSeconds: z.number().int().min(5).max(3_600).default(300),
  })
  .strict()
  .default({ heartbeatSeconds: 30, sliceSeconds: 300 });

export const streamIngestJobSpecFields = {
  kind: z.literal('stream-ingest'),
  source: streamSourceSchema,
  /** The message's JSON fields and their types: every message is checked against them. */
  fields: z.record(columnNameSchema, streamFieldSchema).refine((f) => Object.keys(f).length > 0, { message: 'declare at least one field' }),
  /**
   * The dedupe key: fields naming one record, so a message sent twice is written once. Default: the
   * broker's message identity (JetStream stream sequence; MQTT a digest of topic and payload).
   */
  key: z.array(columnNameSchema).min(1).optional(),
  /** The cleanse engine's rules, run on every message after the type checks (dedup is the key's job). */
  // The geo section needs boundary files and may derive a column: cleanse jobs have both, streams not yet.
  rules: tableRulesSchema.refine((r) => r.geo === undefined, { message: 'the geo section applies to cleanse jobs; streams do not take it yet' }).default({}),
  references: z.record(slugSchema, referenceSchema).default({}),
  devices: deviceRegistrySchema.optional(),
  target: streamTargetSchema,
  batch: streamBatchSchema,
  /** Larger messages are quarantined unread. */
  maxMessageBytes: z
    .number()
    .int()
    .min(64)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** A message delivered this often without a commit is poison: quarantined and never redelivered. */
  maxDeliveries: z.number().int().min(2).max(100).default(5),
  options: streamIngestOptionsSchema,
};

type StreamIngestShape = {
  source: z.infer<typeof streamSourceSchema>;
  fields: Record<string, z.infer<typeof streamFieldSchema>>;
  key?: string[];
  rules: z.infer<typeof tableRulesSchema>;
  devices?: z.infer<typeof deviceRegistrySchema>;
  target: z.infer<typeof streamTargetSchema>;
  batch: z.infer<typeof streamBatchSchema>;
  options: z.infer<typeof streamIngestOptionsSchema>;
};

/** What a stream-ingest spec cannot say, beyond its types. */
export function streamIngestSpecIssues(spec: StreamIngestShape): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  const declared = new Set(Object.keys(spec.fields));
  const needField = (path: (string | number)[], name: string, what: string) => {
    if (!declared.has(name)) issues.push({ path, message: `${what} "${name}" is not a declared field (declared: ${[...declared].join(', ')})` });
  };
  for (const [i, name] of (spec.key ?? []).entries()) {
    needField(['key', i], name, 'key field');
    // A unique index lets NULLs repeat: a redelivered message without its key would be written again.
    if (spec.fields[name] && !spec.fields[name]!.required) issues.push({ path: ['fields', name, 'required'], message: `key field "${name}" must be required` });
  }
  for (const [name, rules] of Object.entries(spec.rules.columns ?? {})) {
    needField(['rules', 'columns', name], name, 'rules name field');
    const type = spec.fields[name]?.type;
    // A normaliser writes text: into a typed column it could write what the column refuses.
    if (type && type !== 'string' && rules.normalise?.length) {
      issues.push({
        path: ['rules', 'columns', name, 'normalise'],
        message: `field "${name}" is ${type === 'integer' ? 'an integer' : `a ${type}`}: only string fields take normalisers`,
      });
    }
  }
  if (spec.rules.dedup) issues.push({ path: ['rules', 'dedup'], message: 'a stream de-duplicates by its key: use key instead of rules.dedup' });
  if (spec.target.partitionBy) {
    const field = spec.target.partitionBy.field;
    // Partitions are named <table>_pYYYYMMDD within PostgreSQL's 63 bytes.
    if ((spec.target.table.split('.').pop() ?? '').length > 52)
      issues.push({ path: ['target', 'table'], message: 'a partitioned table name may have at most 52 characters' });
    needField(['target', 'partitionBy', 'field'], field, 'partition field');
    const type = spec.fields[field]?.type;
    if (type && type !== 'timestamp' && type !== 'date')
      issues.push({ path: ['target', 'partitionBy', 'field'], message: `partition field "${field}" must be a timestamp or date, not ${type}` });
    if (type && !spec.fields[field]!.required)
      issues.push({ path: ['fields', field, 'required'], message: `partition field "${field}" must be required: a record without it has no partition` });
  }
  if (spec.source.type === 'mqtt' && spec.source.topicFields) {
    for (const match of spec.source.topicFields.matchAll(/\{([^}]+)\}/g)) {
      const name = match[1]!;
      needField(['source', 'topicFields'], name, 'topic field');
      if (spec.fields[name] && spec.fields[name]!.type !== 'string')
        issues.push({ path: ['source', 'topicFields'], message: `topic field "${name}" must be declared as a string` });
    }
  }
  if (spec.devices) {
    needField(['devices', 'deviceField'], spec.devices.deviceField, 'device field');
    needField(['devices', 'timestampField'], spec.devices.timestampField, 'timestamp field');
    for (const name of Object.keys(spec.devices.ranges)) needField(['devices', 'ranges', name], name, 'range field');
  }
  const waitMs = durationMs(spec.batch.maxWait)!;
  if (waitMs * 3 > spec.options.heartbeatSeconds * 1000) {
    issues.push({
      path: ['batch', 'maxWait'],
      message: `batch.maxWait (${spec.batch.maxWait}) must be under a third of options.heartbeatSeconds (${spec.options.heartbeatSeconds})`,
    });
  }
  if (spec.source.type === 'jetstream' && durationMs(spec.source.ackWait)! < 2 * waitMs) {
    issues.push({ path: ['source', 'ackWait'], message: `ackWait (${spec.source.ackWait}) must be at least twice batch.maxWait (${spec.batch.maxWait})` });
  }
  return issues;
}

export type StreamSource = z.infer<typeof streamSourceSchema>;
export type StreamField = z.infer<typeof streamFieldSchema>;
export type DeviceRegistrySpec = z.infer<typeof deviceRegistrySchema>;
