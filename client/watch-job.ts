import type { WorkflowHandle } from '@temporalio/client';
import type { Progress } from '../schemas/progress.ts';
import { progressQuery } from '../workflows/definitions.ts';

/** Polls the workflow's progress query until it completes, calling `onProgress` on every change. */
export async function watchJob<T>(handle: WorkflowHandle, onProgress: (p: Progress) => void, intervalMs = 1_000): Promise<T> {
  let finished = false;
  const result = handle.result().finally(() => {
    finished = true;
  });
  let last = '';
  const poll = async () => {
    while (!finished) {
      try {
        const progress = await handle.query(progressQuery);
        const key = JSON.stringify(progress);
        if (key !== last) {
          last = key;
          onProgress(progress);
        }
      } catch {
        // a query can fail while the workflow is between tasks or already closed; the result decides
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  };
  await Promise.race([
    result.then(
      () => undefined,
      () => undefined,
    ),
    poll(),
  ]);
  return (await result) as T;
}
