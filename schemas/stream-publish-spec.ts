import { z } from 'zod';
import { columnNameSchema, slugSchema } from './identifiers.ts';
import { durationMs, durationSchema } from './duration.ts';
import { maskingPolicySchema } from './masking.ts';
import { incrementalSchema } from './sources.ts';
import { centreTableFields, oneTable } from './distribute-spec.ts';

/** The placeholder a subject or topic may hold as one whole token: the row's key, encoded (see activities/stream/publish-subject.ts). */
export const KEY_PLACEHOLDER = '{key}';

/**
 * Where a published subject or topic can go wrong: wildcards (a publish cannot target several),
 * reserved prefixes (`$JS.`, `$SYS`), white space and control characters, empty tokens, and braces
 * other than one whole-token `{key}`.
 */
function nameProblems(name: string, separator: '.' | '/', wildcards: RegExp): string | undefined {
  if (/[\s\u0000-\u001f\u007f]/.test(name)) return 'has white space or a control character';
  if (name.startsWith('$')) return 'starts with $, which the broker reserves';
  if (wildcards.test(name)) return 'has a wildcard: a message is published to one subject';
  const tokens = name.split(separator);
  if (tokens.some((t) => t === '')) return `has an empty level (two ${separator} in a row, or one at either end)`;
  const withBraces = tokens.filter((t) => /[{}]/.test(t));
  if (withBraces.some((t) => t !== KEY_PLACEHOLDER)) return `may hold ${KEY_PLACEHOLDER} only as a whole level, and no other braces`;
  if (withBraces.length > 1) return `may hold ${KEY_PLACEHOLDER} once`;
  return undefined;
}

const subjectSchema = z
  .string()
  .min(1)
  .max(255)
  .superRefine((subject, ctx) => {
    const problem = nameProblems(subject, '.', /[*>]/);
    if (problem) ctx.addIssue({ code: 'custom', message: `subject ${JSON.stringify(subject)} ${problem}` });
  });

const topicSchema = z
  .string()
  .min(1)
  .max(255)
  .superRefine((topic, ctx) => {
    const problem = nameProblems(topic, '/', /[+#]/);
    if (problem) ctx.addIssue({ code: 'custom', message: `topic ${JSON.stringify(topic)} ${problem}` });
  });

/**
 * A JetStream subject. The stream capturing it must exist (the centre does not define departments'
 * streams) and keep a duplicate window long enough for a retry to re-send inside it.
 */
export const jetstreamTargetSchema = z
  .object({
    type: z.literal('jetstream'),
    /** A `nats` connection; its maxUnmaskedLevel limits what leaves unmasked. */
    connection: slugSchema,
    /** e.g. `minhang.residents.changes`, or `minhang.residents.{key}` for one subject per row. */
    subject: subjectSchema,
    /** The stream expected to store the messages (default: the one capturing the subject); a publish landing elsewhere fails. */
    stream: z
      .string()
      .regex(/^[^\s.*>]{1,255}$/, 'a JetStream stream name (no spaces, dots, * or >)')
      .optional(),
  })
  .strict();

/** An MQTT topic, published with QoS 1. */
export const mqttTargetSchema = z
  .object({
    type: z.literal('mqtt'),
    /** An `mqtt` connection; its maxUnmaskedLevel limits what leaves unmasked. */
    connection: slugSchema,
    /** e.g. `minhang/residents/changes`, or `minhang/residents/{key}`. */
    topic: topicSchema,
  })
  .strict();

export const streamPublishTargetSchema = z.discriminatedUnion('type', [jetstreamTargetSchema, mqttTargetSchema]);

/** A governed centre table read by its change cursor, as an incremental distribution reads it. */
export const streamPublishSourceSchema = z
  .object({
    ...centreTableFields,
    /** The rows whose (cursor, key) come after the last published one, read up to now - lag. */
    incremental: incrementalSchema,
  })
  .strict()
  .refine(oneTable, { message: 'give the dataset or the table, not both' })
  .refine((s) => !s.key || !s.incremental.key || s.key === s.incremental.key, {
    path: ['incremental', 'key'],
    message: 'source.key and source.incremental.key name the message key: give one, or the same column',
  });

export const streamPublishOptionsSchema = z
  .object({
    /** Rows per batch: published, confirmed by the broker, then checkpointed with the watermark. */
    batchRows: z.number().int().min(100).max(100_000).default(10_000),
    /** A worker silent for this long is presumed dead and the pass resumes elsewhere. */
    heartbeatSeconds: z.number().int().min(2).max(600).default(30),
  })
  .strict()
  .default({ batchRows: 10_000, heartbeatSeconds: 30 });

/** Stream output (流式数据输出): the changed rows of a governed table as messages on a broker. */
export const streamPublishJobSpecFields = {
  kind: z.literal('stream-publish'),
  source: streamPublishSourceSchema,
  target: streamPublishTargetSchema,
  /** As a distribution masks: the spec's masks, else the catalogue's defaults; above the connection's maxUnmaskedLevel nothing leaves unmasked. */
  masks: maskingPolicySchema.default({}),
  /** A boolean column the centre sets on rows it deleted: their messages say `op: delete`. */
  deletes: z.object({ column: columnNameSchema }).strict().optional(),
  /** Keep publishing: a pass every `every` (continue-as-new keeps the history short). Without it, one pass per run (e.g. from a schedule). */
  follow: z.object({ every: durationSchema }).strict().optional(),
  options: streamPublishOptionsSchema,
};

/** What a stream-publish spec cannot say in its types. */
export function streamPublishSpecIssues(spec: { follow?: { every: string } }): { path: string[]; message: string }[] {
  const every = spec.follow ? durationMs(spec.follow.every)! : undefined;
  if (every !== undefined && every < 1_000) return [{ path: ['follow', 'every'], message: 'follow.every must be at least 1s' }];
  return [];
}

export type StreamPublishTarget = z.infer<typeof streamPublishTargetSchema>;
