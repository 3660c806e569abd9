import type { z } from 'zod';

/** One line per problem, each naming the path in the document: `target.table: must be a safe table name`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('\n');
}
