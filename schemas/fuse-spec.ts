import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';
import { ENTITY_FIELDS, ENTITY_KEY, ENTITY_TYPES, FIELD_KINDS, type EntityType } from '../governance/fuse/field-kinds.ts';
import { SURVIVORSHIP_RULES } from '../governance/fuse/survivorship.ts';

/** A field name of the golden record: lower-case ASCII. */
const fieldNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be a lower-case field name like birth_date');

/** One department's governed table of the entity. */
export const fuseSourceSchema = z
  .object({
    /** The source's name in lineage, reviews and priorities, e.g. `civil_affairs`. */
    name: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'must be a short lower-case name like civil_affairs'),
    /** A connection holding the table (default: the centre database). */
    connection: slugSchema.default('centre'),
    table: tableRefSchema,
    /** The column identifying a record in this source (unique, not null): lineage names records by it. */
    key: columnNameSchema,
    /** The column saying when the source last changed the record (for `mostRecent`). */
    updatedAt: columnNameSchema.optional(),
    /** Golden field → the source's column holding it. */
    columns: z.record(fieldNameSchema, columnNameSchema),
  })
  .strict();

export const fuseJobSpecFields = {
  kind: z.literal('fuse'),
  /** What the records describe: `person` (citizen ID, name, birth date, gender, mobile, address) or `enterprise` (credit code, name, legal person, phone, address). */
  entity: z.enum(ENTITY_TYPES),
  /** Entity ids are this prefix and nine digits (default P for persons, E for enterprises). */
  idPrefix: z
    .string()
    .regex(/^[A-Z]{1,4}$/, 'must be 1-4 capital letters')
    .optional(),
  /** Two or more sources; their order is the default source priority. */
  sources: z
    .array(fuseSourceSchema)
    .min(2, 'fusion needs at least two sources')
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'names a source twice'),
  /** Golden fields beyond the entity's own (carried by survivorship, not compared). */
  fields: z.record(fieldNameSchema, z.enum(FIELD_KINDS)).default({}),
  match: z
    .object({
      /** A pair scoring this much (bits of evidence) or more is the same entity. */
      threshold: z.number().min(1).max(60).default(10),
      /** Pairs within this much below the threshold that stay apart go to review. */
      reviewBand: z.number().min(0).max(30).default(4),
      /** Blocks with more records than this are not compared (their key is too common to mean anything). */
      maxBlock: z.number().int().min(2).max(100_000).default(200),
    })
    .strict()
    .default({ threshold: 10, reviewBand: 4, maxBlock: 200 }),
  survivorship: z
    .object({
      default: z.enum(SURVIVORSHIP_RULES).default('sourcePriority'),
      /** Field → rule, e.g. `address: mostRecent`. */
      fields: z.record(fieldNameSchema, z.enum(SURVIVORSHIP_RULES)).default({}),
      /** Field → source names in priority order, for `sourcePriority` (default: the order of `sources`). */
      priority: z.record(fieldNameSchema, z.array(z.string()).min(1)).default({}),
    })
    .strict()
    .default({ default: 'sourcePriority', fields: {}, priority: {} }),
  conflicts: z
    .object({
      /** A field goes to review when more than this share of the entity's records disagree with the picked value. */
      level: z.number().min(0).max(1).default(0.3),
      /** The fields checked (default: the entity's ID, birth date and gender; a changed address or mobile is a move, not a conflict). */
      fields: z.array(fieldNameSchema).optional(),
    })
    .strict()
    .default({ level: 0.3 }),
  target: z
    .object({
      /** The golden records, one row per current entity; every version is kept in `<table>_history`. */
      table: tableRefSchema,
    })
    .strict(),
};

export function defaultConflictFields(entity: EntityType): string[] {
  return entity === 'person' ? [ENTITY_KEY.person, 'birth_date', 'gender'] : [ENTITY_KEY.enterprise];
}

/** Column names the staging and golden tables use themselves: no golden field may take them. */
const RESERVED_FIELDS = new Set([
  'record_id',
  'updated_at',
  'digest',
  'repairs',
  'status',
  'entity_id',
  'record_count',
  'sources',
  'conflicts',
  'lineage',
  'run_id',
  'valid_from',
  'valid_to',
  'ended_by',
]);

/** Spec problems zod's shapes cannot see: fields no source maps, unknown field names, priorities naming unknown sources. */
export function fuseSpecIssues(
  spec: {
    entity: EntityType;
    sources: { name: string; columns: Record<string, string> }[];
    fields: Record<string, string>;
    survivorship: { fields: Record<string, string>; priority: Record<string, string[]> };
    conflicts: { fields?: string[] };
  },
  ctx: z.RefinementCtx,
): void {
  const known = new Set([...Object.keys(ENTITY_FIELDS[spec.entity]), ...Object.keys(spec.fields)]);
  const names = new Set(spec.sources.map((s) => s.name));
  const list = [...known].join(', ');
  spec.sources.forEach((source, i) => {
    for (const field of Object.keys(source.columns)) {
      if (!known.has(field))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'columns', field],
          message: `"${field}" is not a field of a ${spec.entity} (${list}); declare extra fields under fields:`,
        });
    }
    if (!source.columns.name && !source.columns[ENTITY_KEY[spec.entity]]) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources', i, 'columns'],
        message: `maps neither name nor ${ENTITY_KEY[spec.entity]}: nothing to match its records by`,
      });
    }
  });
  for (const field of Object.keys(spec.fields)) {
    if (RESERVED_FIELDS.has(field))
      ctx.addIssue({ code: 'custom', path: ['fields', field], message: `"${field}" is a column the golden tables use themselves; name the field otherwise` });
    if (field in ENTITY_FIELDS[spec.entity])
      ctx.addIssue({ code: 'custom', path: ['fields', field], message: `"${field}" is already a field of a ${spec.entity}` });
  }
  for (const [where, map] of [
    ['fields', spec.survivorship.fields],
    ['priority', spec.survivorship.priority],
  ] as const) {
    for (const field of Object.keys(map)) {
      if (!known.has(field)) ctx.addIssue({ code: 'custom', path: ['survivorship', where, field], message: `"${field}" is not a golden field (${list})` });
    }
  }
  for (const [field, order] of Object.entries(spec.survivorship.priority)) {
    order.forEach((name, k) => {
      if (!names.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['survivorship', 'priority', field, k],
          message: `"${name}" is not one of the sources (${[...names].join(', ')})`,
        });
    });
  }
  (spec.conflicts.fields ?? []).forEach((field, k) => {
    if (!known.has(field)) ctx.addIssue({ code: 'custom', path: ['conflicts', 'fields', k], message: `"${field}" is not a golden field (${list})` });
  });
}
