import { redactSecrets } from '../config/redact.ts';

/** Longest error text kept in `dataops.runs` and Temporal failures: the cause, not a dump. */
const MAX_ERROR_CHARS = 2_000;

/**
 * Error text fit to store and show: secrets redacted, control characters (a NUL byte cannot be
 * stored in a PostgreSQL text column at all) written as \xNN, and long texts cut with a mark.
 */
export function sanitiseErrorText(text: string): string {
  const visible = redactSecrets(text).replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > MAX_ERROR_CHARS ? `${visible.slice(0, MAX_ERROR_CHARS)}… (${visible.length - MAX_ERROR_CHARS} more characters)` : visible;
}
