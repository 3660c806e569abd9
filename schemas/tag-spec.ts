import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';

/** A rule's variable name: a CEL identifier (letters, digits, _), the name a rule reads a field by. */
const fieldNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier (letters, digits, _) a rule can name')
  .refine((name) => !name.startsWith('__') && name !== 'cel', 'is reserved');

/** One value computed from the entity's related rows: a fixed menu, so no SQL comes from the spec. */
export const joinAggregateSchema = z
  .object({
    fn: z.enum(['count', 'sum', 'min', 'max', 'avg', 'any', 'first']),
    /** The joined table's column (all but count); `any` takes a boolean column (true when any row's is). */
    column: columnNameSchema.optional(),
    /** `first`: the value of the row that comes first by this column (descending: the latest). */
    orderBy: columnNameSchema.optional(),
    descending: z.boolean().default(true),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.fn !== 'count' && !a.column) ctx.addIssue({ code: 'custom', path: ['column'], message: `${a.fn} needs a column` });
    if (a.fn === 'first' && !a.orderBy) ctx.addIssue({ code: 'custom', path: ['orderBy'], message: 'first needs orderBy (which row is first)' });
    if (a.fn !== 'first' && a.orderBy) ctx.addIssue({ code: 'custom', path: ['orderBy'], message: 'only first takes orderBy' });
  });

/** Rows of another governed table belonging to the entity: `table.on = entity.key`, aggregated per entity. */
export const tagJoinSchema = z
  .object({
    table: tableRefSchema,
    /** The joined table's column holding the entity's key. */
    on: columnNameSchema,
    /** The entity's column it matches (default: the entity key). */
    entityColumn: columnNameSchema.optional(),
    /** Field name -> aggregate: each becomes a field rules can read. */
    fields: z.record(fieldNameSchema, joinAggregateSchema).refine((f) => Object.keys(f).length > 0, 'lists no fields'),
  })
  .strict();

/** Derived values from a fixed menu: `age_years` (whole years from a date to the run's as-of date), `days_since`, `year`. */
export const computedFieldSchema = z
  .object({
    fn: z.enum(['age_years', 'days_since', 'year']),
    column: columnNameSchema,
  })
  .strict();

/** A department's list of IDs or names: entities whose `match` field is on it get the tag. */
export const tagListSchema = z
  .object({
    /** A text or CSV file, one value per line (first column); relative to the job spec, or to the `files` connection's root. */
    path: z.string().min(1).optional(),
    /** A `files` connection the path is relative to (a department's drop folder). */
    connection: slugSchema.optional(),
    /** Or a centre table and its column holding the values. */
    table: tableRefSchema.optional(),
    column: columnNameSchema.optional(),
    /** The entity's column compared with the list. */
    match: columnNameSchema,
    /** How both sides are normalised: `citizen_id` also upper-cases a trailing x. */
    normalise: z.enum(['text', 'citizen_id']).default('text'),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (Boolean(l.path) === Boolean(l.table)) ctx.addIssue({ code: 'custom', message: 'a list is either a file (path) or a table (table and column)' });
    if (l.table && !l.column) ctx.addIssue({ code: 'custom', path: ['column'], message: 'a list table needs the column holding the values' });
    if (!l.table && l.column) ctx.addIssue({ code: 'custom', path: ['column'], message: 'column goes with table' });
    if (l.connection && !l.path)
      ctx.addIssue({ code: 'custom', path: ['connection'], message: 'connection goes with path (a list file in a files connection)' });
  });

/** A tag: either a business rule (CEL over the entity's fields) or a fixed list. */
export const tagDefinitionSchema = z
  .object({
    description: z.string().optional(),
    /** CEL, e.g. `age >= 60 && household_size == 1`. */
    rule: z.string().min(1).max(4000).optional(),
    list: tagListSchema.optional(),
  })
  .strict()
  .refine((t) => Boolean(t.rule) !== Boolean(t.list), 'a tag has either a rule or a list');

/**
 * Tagging (标签): gives entities of a governed table (a golden record, a cleansed register) tags from
 * fixed lists and business rules, each with the evidence that made it true; a re-run closes the
 * validity of tags no longer true and opens new ones.
 */
export const tagJobSpecFields = {
  kind: z.literal('tag'),
  entities: z
    .object({
      /** The entity table in the centre database, e.g. fused.residents_golden or clean.residents. */
      table: tableRefSchema,
      /** Its unique key column: the entity id tags are recorded under. */
      key: columnNameSchema,
      /** What the entities are (resident, enterprise): recorded with every tag. */
      type: slugSchema,
    })
    .strict(),
  joins: z.record(slugSchema, tagJoinSchema).default({}),
  computed: z.record(fieldNameSchema, computedFieldSchema).default({}),
  tags: z
    .record(slugSchema, tagDefinitionSchema)
    .refine((t) => Object.keys(t).length > 0, 'lists no tags')
    .refine((t) => Object.keys(t).length <= 200, 'at most 200 tags per job'),
  /** The date ages and day counts are computed at (yyyy-mm-dd); default: the run's date in Shanghai. */
  asOf: z.iso.date().optional(),
};
