import { expect } from 'vitest';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { rootCause } from '../../client/root-cause.ts';

/** Waits for the workflow to fail and checks that the innermost cause names the problem. */
export async function expectWorkflowFailure(handle: WorkflowHandle, message: RegExp): Promise<void> {
  const error = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect(rootCause(error)?.message).toMatch(message);
}
