import { z } from 'zod';
import { columnNameSchema } from './identifiers.ts';

/** Catalogue sensitivity levels: L1 public, L2 internal, L3 sensitive, L4 highly sensitive personal data. */
export const sensitivityLevelSchema = z.enum(['L1', 'L2', 'L3', 'L4']);

/**
 * How one column leaves the centre. `none` sends it unmasked (refused above the destination's allowed
 * level); `keep` shows `keepFirst` / `keepLast` characters of any value; `redact` replaces a value by
 * `****`; `nullify` sends NULL; `pseudonym` sends a keyed hash that still joins across tables.
 */
export const MASKS = [
  'none',
  'name',
  'citizen_id',
  'mobile',
  'landline',
  'address',
  'email',
  'bank_card',
  'plate',
  'keep',
  'redact',
  'nullify',
  'pseudonym',
] as const;

/** How a value is put in canonical form before it is pseudonymised, so that one value written two ways gets one pseudonym. */
export const PSEUDONYM_INPUTS = ['text', 'citizen_id', 'mobile', 'email', 'name', 'bank_card', 'plate', 'credit_code'] as const;

/** Keyed hashes a masking key version can name; the version's config fixes it for good. */
export const PSEUDONYM_ALGORITHMS = ['hmac-sm3', 'hmac-sha256'] as const;

// Masks whose kept characters can be chosen, and how many characters the shortest value they apply to
// has: the pattern must hide at least one of them.
const PATTERN_LENGTH: Partial<Record<(typeof MASKS)[number], number>> = { citizen_id: 18, mobile: 11, bank_card: 12, keep: Number.POSITIVE_INFINITY };

const keptCount = z.number().int().min(0).max(32);

export const columnMaskSchema = z
  .object({
    mask: z.enum(MASKS),
    /** Characters kept at the start (citizen_id default 6, mobile 3, bank_card 6). */
    keepFirst: keptCount.optional(),
    /** Characters kept at the end (citizen_id default 4, mobile 4, bank_card 4). */
    keepLast: keptCount.optional(),
    /** For pseudonym: the canonical form (default: from the column's semantic type, else text). */
    as: z.enum(PSEUDONYM_INPUTS).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const length = PATTERN_LENGTH[m.mask];
    const pattern = m.keepFirst !== undefined || m.keepLast !== undefined;
    if (pattern && length === undefined)
      ctx.addIssue({ code: 'custom', message: `keepFirst and keepLast apply to citizen_id, mobile, bank_card and keep masks, not ${m.mask}` });
    if (m.mask === 'keep' && !pattern)
      ctx.addIssue({ code: 'custom', message: 'a keep mask needs keepFirst or keepLast (use redact to hide the whole value)' });
    if (length !== undefined && Number.isFinite(length) && (m.keepFirst ?? 0) + (m.keepLast ?? 0) >= length)
      ctx.addIssue({ code: 'custom', message: `keepFirst + keepLast must be below ${length} for ${m.mask}, or nothing is hidden` });
    if (m.as !== undefined && m.mask !== 'pseudonym') ctx.addIssue({ code: 'custom', path: ['as'], message: 'as applies to pseudonym masks only' });
  });

/** Per-column masks in a spec, by published column name; they override the catalogue's defaults. */
export const maskingPolicySchema = z.record(columnNameSchema, columnMaskSchema);

/** Key version names: short, lower-case, no `_` (the pseudonym token is `<version>_<hash>`). */
export const maskingKeyVersionSchema = z.string().regex(/^[a-z][a-z0-9]{0,15}$/, 'must be a short key version like v1 (lower-case letters and digits)');

const envNameSchema = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable (upper-case letters, digits and _), not hold the secret');

export const maskingKeyConfigSchema = z
  .object({
    /** The environment variable holding the secret (at least 32 bytes); the secret never sits in a file. */
    secretEnv: envNameSchema,
    /** Fixed for the life of the version: a runtime without it refuses instead of falling back. */
    algorithm: z.enum(PSEUDONYM_ALGORITHMS),
    description: z.string().optional(),
  })
  .strict();

/** `masking:` in the config file: the pseudonym keys by version, and the version new outputs use. */
export const maskingConfigSchema = z
  .object({
    keys: z.record(maskingKeyVersionSchema, maskingKeyConfigSchema),
    currentKey: maskingKeyVersionSchema,
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!Object.hasOwn(m.keys, m.currentKey))
      ctx.addIssue({
        code: 'custom',
        path: ['currentKey'],
        message: `key version "${m.currentKey}" is not among masking.keys (${Object.keys(m.keys).join(', ') || 'none'})`,
      });
    const byEnv = new Map<string, string>();
    for (const [version, key] of Object.entries(m.keys)) {
      const other = byEnv.get(key.secretEnv);
      if (other)
        ctx.addIssue({
          code: 'custom',
          path: ['keys', version, 'secretEnv'],
          message: `key versions ${other} and ${version} share ${key.secretEnv}: give each version its own secret`,
        });
      byEnv.set(key.secretEnv, version);
    }
  });

export type SensitivityLevelName = z.infer<typeof sensitivityLevelSchema>;
export type MaskName = (typeof MASKS)[number];
export type PseudonymInput = (typeof PSEUDONYM_INPUTS)[number];
export type PseudonymAlgorithm = (typeof PSEUDONYM_ALGORITHMS)[number];
export type ColumnMask = z.infer<typeof columnMaskSchema>;
export type MaskingPolicy = z.infer<typeof maskingPolicySchema>;
export type MaskingKeyConfig = z.infer<typeof maskingKeyConfigSchema>;
export type MaskingConfig = z.infer<typeof maskingConfigSchema>;
