/** The innermost cause of a Temporal failure chain (WorkflowFailedError -> ActivityFailure -> ApplicationFailure). */
export function rootCause(error: unknown): Error | undefined {
  let cause = error instanceof Error ? (error.cause as Error | undefined) : undefined;
  while (cause?.cause instanceof Error) cause = cause.cause;
  return cause;
}
