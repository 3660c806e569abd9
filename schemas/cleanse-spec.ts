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

const datumSchema = z.enum(['wgs84', 'gcj02', 'bd09']);

/** The `geo` step: read a point, check its range, convert its datum, check it lies inside a boundary, assign its town. */
export const geoRulesSchema = z
  .object({
    /** A column holding "lng,lat", or the two columns holding longitude and latitude. */
    point: z.union([columnNameSchema, z.object({ lng: columnNameSchema, lat: columnNameSchema }).strict()]),
    /** The datum the source's coordinates are in. */
    datum: datumSchema.default('wgs84'),
    /** Rewrite the coordinates in this datum (each rewrite counts as a fix). Default: leave them as they are. */
    convertTo: datumSchema.optional(),
    /** Decimal places of rewritten coordinates (8: about 1 mm). */
    decimals: z.number().int().min(0).max(12).default(8),
    /** geo.range: `china` (lng 73..136, lat 3..54) or `world` (any valid longitude and latitude). */
    range: z.enum(['china', 'world']).default('china'),
    /** geo.inside: the point must lie inside this boundary (a name under the job's `boundaries`). */
    inside: z
      .object({ boundary: slugSchema, severity: z.enum(['reject', 'flag']).default('reject') })
      .strict()
      .optional(),
    /** geo.town: write the name (or another property) of the boundary feature containing the point into `column`. */
    town: z
      .object({
        boundary: slugSchema,
        column: columnNameSchema,
        property: z.string().min(1).default('name'),
        /** When no feature contains the point. */
        severity: z.enum(['reject', 'flag']).default('flag'),
      })
      .strict()
      .optional(),
    /** geo.boundary: what a point on an edge (within the boundary's tolerance) or in two overlapping features gets. */
    onBoundary: z.enum(['flag', 'reject', 'accept']).default('flag'),
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
    /** Spatial governance of one point per row; runs after the normalisers, before the validators. */
    geo: geoRulesSchema.optional(),
  })
  .strict();

/** A GeoJSON file of Polygon / MultiPolygon features: the district, its streets and towns. */
export const boundarySchema = z
  .object({
    connection: slugSchema.optional(),
    path: z.string().min(1),
    /** The datum the file is drawn in (default: its `properties.datum`, else wgs84). */
    datum: datumSchema.optional(),
    /** Keep only features with these property values, e.g. `{ level: town }`. */
    select: z.record(z.string(), z.string()).optional(),
    nameProperty: z.string().min(1).default('name'),
    /** The property the boundary tie-break orders by first. */
    codeProperty: z.string().min(1).default('code'),
    /** Degrees within which a point counts as on an edge (1e-9: about 0.1 mm). */
    tolerance: z.number().min(0).max(0.01).default(1e-9),
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
export type BoundaryRef = z.infer<typeof boundarySchema>;
export type GeoRules = z.infer<typeof geoRulesSchema>;
