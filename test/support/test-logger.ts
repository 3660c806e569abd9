import { DefaultLogger, type LogEntry } from '@temporalio/worker';

/** Failures the tests provoke on purpose: bad input (non-retryable by design) and cancellations. */
function expected(entry: LogEntry): boolean {
  // A failed workflow's cause crossed the sandbox as a plain Error; the activity failure behind it is
  // logged (and judged) on its own, and the test reads the workflow's failure from its handle.
  if (entry.message === 'Workflow failed') return true;
  const error = (entry.meta as { error?: { type?: string; name?: string; message?: string; cause?: unknown } } | undefined)?.error;
  if (!error) return false;
  let current: typeof error | undefined = error;
  for (let depth = 0; current && depth < 6; depth++) {
    if (current.type === 'BadInput' || current.name === 'CancelledFailure' || /cancel/i.test(current.message ?? '')) return true;
    current = current.cause as typeof error | undefined;
  }
  return false;
}

/**
 * The SDK logs every failed activity and workflow at WARN with its stack; in tests most of those are
 * the point of the test. Expected ones are dropped, the rest print as one line without a stack
 * (DATAOPS_TEST_LOG=full prints everything as the SDK would).
 */
export function testRuntimeLogger(): DefaultLogger {
  const full = new DefaultLogger('WARN');
  if (process.env.DATAOPS_TEST_LOG === 'full') return full;
  return new DefaultLogger('WARN', (entry) => {
    if (expected(entry)) return;
    const error = (entry.meta as { error?: { message?: string } } | undefined)?.error;
    process.stderr.write(`[${entry.level}] ${entry.message}${error?.message ? `: ${error.message}` : ''}\n`);
  });
}
