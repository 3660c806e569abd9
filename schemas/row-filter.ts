import { z } from 'zod';
import { columnNameSchema } from './identifiers.ts';

/** A value compared with a column: PostgreSQL text cannot hold U+0000, so no value may either. */
export const filterValueSchema = z.union([
  z
    .string()
    .max(10_000)
    .refine((s) => !s.includes('\u0000'), 'a value cannot contain U+0000'),
  z.number(),
  z.boolean(),
]);

export const FILTER_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'notIn', 'between', 'isNull', 'notNull', 'startsWith'] as const;
const LIST_OPS: readonly string[] = ['in', 'notIn'];
const NO_VALUE_OPS: readonly string[] = ['isNull', 'notNull'];

/** One condition on one column; comparisons follow SQL, so `ne` and `notIn` never keep rows where the column is NULL. */
export const filterConditionSchema = z
  .object({
    column: columnNameSchema,
    op: z.enum(FILTER_OPS),
    /** eq, ne, lt, le, gt, ge, startsWith */
    value: filterValueSchema.optional(),
    /** in and notIn (1 to 1000 values); between takes two, [low, high], both included */
    values: z.array(filterValueSchema).min(1).max(1000).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const wantsList = LIST_OPS.includes(c.op) || c.op === 'between';
    const wantsNone = NO_VALUE_OPS.includes(c.op);
    if (wantsNone && (c.value !== undefined || c.values !== undefined)) ctx.addIssue({ code: 'custom', message: `${c.op} takes no value` });
    if (wantsList && c.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} takes values: [...], not value` });
    if (wantsList && c.values === undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: `${c.op} needs values: [...]` });
    if (c.op === 'between' && c.values && c.values.length !== 2)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'between takes two values, [low, high]' });
    if (!wantsList && !wantsNone && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `${c.op} needs a value` });
    if (!wantsList && c.values !== undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: `${c.op} takes value, not values` });
  });

export type FilterValue = z.infer<typeof filterValueSchema>;
export type FilterCondition = z.infer<typeof filterConditionSchema>;
export type RowFilter = FilterCondition | { all: RowFilter[] } | { any: RowFilter[] } | { not: RowFilter };

/**
 * Which rows leave the centre, as data, never SQL text: a condition, or `all` / `any` of filters, or
 * `not` one. It is compiled to a parameterised WHERE clause against the source's own column types.
 */
export const rowFilterSchema: z.ZodType<RowFilter> = z.lazy(() =>
  z.union([
    filterConditionSchema,
    z.object({ all: z.array(rowFilterSchema).min(1).max(200) }).strict(),
    z.object({ any: z.array(rowFilterSchema).min(1).max(200) }).strict(),
    z.object({ not: rowFilterSchema }).strict(),
  ]),
);
