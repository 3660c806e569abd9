import type { WorkflowHandle } from '@temporalio/client';
import type { Progress } from '../schemas/progress.ts';
import { readLiveProgress } from './live-progress.ts';

/**
 * Follows a run until it completes, calling `onProgress` at least every `intervalMs` while it runs
 * (with the same progress again when nothing moved, so a caller can show rate and elapsed time), and
 * never after the result is known.
 */
export async function watchJob<T>(handle: WorkflowHandle, onProgress: (p: Progress) => void, intervalMs = 1_000): Promise<T> {
  let finished = false;
  const result = handle.result().finally(() => {
    finished = true;
  });
  const poll = async () => {
    let last: Progress | undefined;
    while (!finished) {
      try {
        last = (await readLiveProgress(handle)) ?? last;
      } catch {
        // between tasks, or already closed: the result decides
      }
      if (finished) break;
      if (last) onProgress(last);
      await Promise.race([new Promise((r) => setTimeout(r, intervalMs)), result.catch(() => undefined)]);
    }
  };
  const polling = poll();
  await result.then(
    () => undefined,
    () => undefined,
  );
  await polling;
  return (await result) as T;
}
