import type { z } from 'zod';
import { closeMatches } from '../governance/rules/suggest.ts';

/** One line per problem, each naming the path in the document: `target.table: must be a safe table name`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('\n');
}

/**
 * An error map for parsing documents people type: an unrecognized key of a strict object gets a "did you
 * mean" from the keys that object knows (`updateFrequncy` → updateFrequency). Other issues keep zod's message.
 */
export const suggestKnownKeys: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  const known = shape ? Object.keys(shape) : [];
  const keys = issue.keys.map((key) => {
    const close = closeMatches(key, known, 2);
    return close.length ? `"${key}" (did you mean ${close.join(' or ')}?)` : `"${key}"`;
  });
  return `Unrecognized key${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`;
};
