import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';
import { collectSourceSchema } from './sources.ts';
import { boundarySchema, referenceSchema, tableRulesSchema } from './cleanse-spec.ts';
import { isGlob } from './file-glob.ts';
import { distributeJobSpecFields, distributeSpecIssues } from './distribute-spec.ts';
import { shareJobSpecFields } from './share-spec.ts';
import { scanJobSpecFields } from './scan-spec.ts';
import { tagJobSpecFields } from './tag-spec.ts';
import { streamIngestJobSpecFields, streamIngestSpecIssues } from './stream-ingest-spec.ts';
import { streamPublishJobSpecFields, streamPublishSpecIssues } from './stream-publish-spec.ts';
import { runOptionsSchema } from './run-options.ts';
import { fuseJobSpecFields, fuseSpecIssues } from './fuse-spec.ts';
import { compareKeysIssues, mergeDeletesSchema } from './merge-deletes.ts';

export const commonJobFields = {
  /** Job name: one name per recurring job; it prefixes the workflow id. */
  job: slugSchema,
  dataset: slugSchema,
  /** Owner department code, e.g. `civil-affairs`. */
  department: slugSchema,
  sourceSystem: z.string().min(1).optional(),
  updateFrequency: z.enum(['realtime', 'hourly', 'daily', 'weekly', 'monthly', 'yearly', 'ad-hoc']).default('ad-hoc'),
  description: z.string().optional(),
};

export const collectTargetSchema = z
  .object({
    /** The centre-side table, e.g. `raw.residents`. */
    table: tableRefSchema,
    /**
     * `replace` swaps the table atomically; `version` keeps `<table>_v<N>` and points a view at the
     * newest; `merge` upserts the rows read by key into the published table (the nightly sync);
     * `append` adds the rows read (new files of a folder, new rows of an insert-only source).
     */
    mode: z.enum(['replace', 'version', 'merge', 'append']).default('replace'),
    /** `infer` gives file columns the narrowest type that fits every value; `text` keeps all text. */
    typing: z.enum(['infer', 'text']).default('infer'),
    /** For merge: the columns identifying a row (default: the incremental key, else the source's key). */
    key: z.array(columnNameSchema).min(1).optional(),
    /** For merge: rows the source marks deleted (`column`), or whose keys are gone from it (`compareKeys`), leave the published table. */
    deletes: mergeDeletesSchema.optional(),
  })
  .strict();

/** The key a merge target upserts by, from the spec alone (undefined: the spec does not say). */
export function mergeKey(spec: { source: z.infer<typeof collectSourceSchema>; target: z.infer<typeof collectTargetSchema> }): string[] | undefined {
  if (spec.target.key) return spec.target.key;
  if (spec.source.type === 'file') return undefined;
  const key = spec.source.incremental?.key ?? spec.source.key;
  return key ? [key] : undefined;
}

export const collectJobSpecSchema = z
  .object({
    kind: z.literal('collect'),
    ...commonJobFields,
    source: collectSourceSchema,
    target: collectTargetSchema,
    options: runOptionsSchema,
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.target.mode === 'merge' && !mergeKey(spec)) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'key'],
        message: 'a merge target needs a key: set target.key (or source.incremental.key, or source.key)',
      });
    }
    if (spec.target.mode !== 'merge' && (spec.target.key || spec.target.deletes)) {
      ctx.addIssue({ code: 'custom', path: ['target', spec.target.key ? 'key' : 'deletes'], message: 'only a merge target takes key and deletes' });
    }
    if (spec.source.type !== 'file' && spec.source.incremental && spec.target.mode !== 'merge' && spec.target.mode !== 'append') {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'mode'],
        message: 'an incremental source reads only changed rows: its target must be mode: merge (or append, for a source that only inserts)',
      });
    }
    if (spec.source.type !== 'file' && !spec.source.incremental && spec.target.mode === 'append') {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'mode'],
        message: 'append adds what a run reads: without source.incremental every run would add the whole source again',
      });
    }
    for (const issue of compareKeysIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** Whether a file source reads only files no earlier run took (append and merge targets). */
export function collectsNewFilesOnly(spec: CollectJobSpec): boolean {
  return spec.source.type === 'file' && (spec.target.mode === 'append' || spec.target.mode === 'merge');
}

/** Basic and deep governance: normalise, validate, check records, de-duplicate, quarantine the rest. */
export const cleanseJobSpecSchema = z
  .object({
    kind: z.literal('cleanse'),
    ...commonJobFields,
    source: collectSourceSchema,
    /** Columns identifying a source record in quarantine (default: the line or row number). */
    key: z.array(columnNameSchema).min(1).optional(),
    target: z
      .object({
        table: tableRefSchema,
        mode: z.enum(['replace', 'version']).default('replace'),
      })
      .strict(),
    rules: tableRulesSchema,
    references: z.record(slugSchema, referenceSchema).default({}),
    /** Boundary files the `geo` rules name (the real district boundary is configuration: point at its file here). */
    boundaries: z.record(slugSchema, boundarySchema).default({}),
    /** "Today" for rules about the future and birth dates (yyyy-mm-dd); `dataops run` fills in the current date. */
    today: z.iso.date().optional(),
    options: runOptionsSchema,
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.source.type === 'file' && isGlob(spec.source.path)) {
      ctx.addIssue({
        code: 'custom',
        path: ['source', 'path'],
        message: 'cleanse reads one file or table: collect the folder into a table first, then cleanse that table',
      });
    }
    if (spec.source.type !== 'file' && (spec.source.parallelism ?? 1) > 1) {
      ctx.addIssue({ code: 'custom', path: ['source', 'parallelism'], message: 'cleanse reads its source in one pass: parallelism applies to collections' });
    }
  });

export const distributeJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...distributeJobSpecFields,
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const issue of distributeSpecIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

export const shareJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...shareJobSpecFields,
  })
  .strict();

export const scanJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...scanJobSpecFields,
  })
  .strict();

/** Tagging: fixed-list and rule tags on the entities of a governed table, with evidence and validity. */
export const tagJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...tagJobSpecFields,
    options: runOptionsSchema,
  })
  .strict()
  .superRefine((spec, ctx) => {
    const names = new Map<string, string>();
    const claim = (name: string, what: string, path: (string | number)[]) => {
      const earlier = names.get(name);
      if (earlier) ctx.addIssue({ code: 'custom', path, message: `field "${name}" is also ${earlier}` });
      else names.set(name, what);
    };
    for (const [join, def] of Object.entries(spec.joins))
      for (const field of Object.keys(def.fields)) claim(field, `a field of join ${join}`, ['joins', join, 'fields', field]);
    for (const field of Object.keys(spec.computed)) claim(field, 'a computed field', ['computed', field]);
  });

/** Streaming and IoT ingest: one long-lived run per stream, micro-batches committed then acknowledged. */
export const streamIngestJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...streamIngestJobSpecFields,
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const issue of streamIngestSpecIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** Stream output: the changed rows of a governed table published to a broker, the watermark moved after its confirmation. */
export const streamPublishJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...streamPublishJobSpecFields,
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const issue of streamPublishSpecIssues(spec)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** Fusion (数据融合治理): several departments' records of the same entities into one golden record each. */
export const fuseJobSpecSchema = z
  .object({
    ...commonJobFields,
    ...fuseJobSpecFields,
    options: runOptionsSchema,
  })
  .strict()
  .superRefine(fuseSpecIssues);

export const jobSpecSchema = z.discriminatedUnion('kind', [
  collectJobSpecSchema,
  cleanseJobSpecSchema,
  distributeJobSpecSchema,
  shareJobSpecSchema,
  scanJobSpecSchema,
  streamIngestJobSpecSchema,
  streamPublishJobSpecSchema,
  fuseJobSpecSchema,
  tagJobSpecSchema,
]);

export type CollectJobSpec = z.infer<typeof collectJobSpecSchema>;
export type CleanseJobSpec = z.infer<typeof cleanseJobSpecSchema>;
export type DistributeJobSpec = z.infer<typeof distributeJobSpecSchema>;
export type ShareJobSpec = z.infer<typeof shareJobSpecSchema>;
export type ScanJobSpec = z.infer<typeof scanJobSpecSchema>;
export type StreamIngestJobSpec = z.infer<typeof streamIngestJobSpecSchema>;
export type StreamPublishJobSpec = z.infer<typeof streamPublishJobSpecSchema>;
export type FuseJobSpec = z.infer<typeof fuseJobSpecSchema>;
export type TagJobSpec = z.infer<typeof tagJobSpecSchema>;
/** The jobs that publish a table into the centre (its raw and clean layers). */
export type CentreJobSpec = CollectJobSpec | CleanseJobSpec;
/** Their kinds: the runs that publish a dataset and measure its quality (a distribution or pipeline does neither). */
export const PUBLISHING_KINDS: readonly CentreJobSpec['kind'][] = ['collect', 'cleanse'];
export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;

/** The schema an unqualified target table goes to, per kind of job: the centre's raw and clean layers. */
export const TARGET_SCHEMA: Record<CentreJobSpec['kind'], string> = { collect: 'raw', cleanse: 'clean' };

/** The published table a job writes, schema-qualified (`raw.residents`): what the catalogue records as its table. */
export function targetTableRef(spec: Pick<CentreJobSpec, 'kind' | 'target'>): string {
  const table = spec.target.table;
  return table.includes('.') ? table : `${TARGET_SCHEMA[spec.kind]}.${table}`;
}
