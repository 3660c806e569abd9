/**
 * Input the user must fix (bad spec, missing file, malformed row, unknown connection). Activities turn
 * it into a non-retryable Temporal failure; anything else is treated as infrastructure and retried.
 */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
}
