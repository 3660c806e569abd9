import { z } from 'zod';
import { columnNameSchema, slugSchema, tableRefSchema } from './identifiers.ts';

/** `rule-id` alone, or `{ rule, severity?, params? }`; the rule library checks ids and parameters. */
export const ruleStepSchema = z.union([
  z.string().min(1),
  z
    .object({
      rule: z.string().min(1),
      severity: z.enum(['reject', 'flag']).optional(),
      params: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

export const columnRulesSchema = z
  .object({
    /** Applied in order; a normaliser that changes a value counts as a fix. */
    normalise: z.array(ruleStepSchema).optional(),
    /** Checked on the normalised value. */
    validate: z.array(ruleStepSchema).optional(),
  })
  .strict();

export const tableRulesSchema = z
  .object({
    columns: z.record(columnNameSchema, columnRulesSchema).optional(),
    /** Record-level checks: consistency between fields, temporal order, not in the future. */
    deep: z.array(ruleStepSchema).optional(),
    dedup: z
      .object({
        key: z.array(columnNameSchema).min(1),
        survivorship: z.enum(['first', 'latest']).default('first'),
        /** Under `latest`, the column whose greatest value wins (ISO dates/timestamps or numbers). */
        orderBy: columnNameSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A code table or alias map the rules name as `{ table: <name> }`. */
export const referenceSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('file'),
      connection: slugSchema.optional(),
      /** One code per line, or `alias,canonical` per line for a value map. */
      path: z.string().min(1),
    })
    .strict(),
  z
    .object({
      type: z.literal('table'),
      connection: slugSchema,
      table: tableRefSchema,
      column: columnNameSchema,
      /** With `mapTo`, the reference is a map from `column` to `mapTo`. */
      mapTo: columnNameSchema.optional(),
    })
    .strict(),
]);

export type TableRules = z.infer<typeof tableRulesSchema>;
export type Reference = z.infer<typeof referenceSchema>;
