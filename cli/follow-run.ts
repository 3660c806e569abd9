import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Config } from '../schemas/config.ts';
import type { Progress } from '../schemas/progress.ts';
import { taskQueueHasPollers } from '../client/live-progress.ts';
import { watchJob } from '../client/watch-job.ts';
import { ProgressPrinter } from './progress-line.ts';

/** How long a run may sit unstarted before the user hears that no worker is there to start it. */
const NO_WORKER_AFTER_MS = 10_000;

/**
 * Shows a run's progress until it ends and returns its result. Warns when nothing has started after
 * ten seconds and no worker polls the task queue; on Ctrl-C says that the run goes on, and how to
 * follow or cancel it, instead of leaving the user to guess.
 */
export async function followRun<T>(client: Client, config: Config, handle: WorkflowHandle, runId: string, printer = new ProgressPrinter()): Promise<T> {
  const started = Date.now();
  let latest: Progress | undefined;
  let warned = false;
  const onInterrupt = () => {
    printer.note(`stopped following ${runId}; the run goes on. Follow it again: dataops status ${runId} · cancel it: dataops cancel ${runId}`);
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  const watchdog = setInterval(() => {
    if (warned || Date.now() - started < NO_WORKER_AFTER_MS || (latest && latest.phase !== 'starting')) return;
    warned = true;
    taskQueueHasPollers(client, config.temporal.taskQueue)
      .then((polled) => {
        if (!polled)
          printer.note(
            `no worker polls task queue "${config.temporal.taskQueue}" on ${config.temporal.address}: the run waits until one does (start one: dataops worker, or dataops dev)`,
          );
      })
      .catch(() => undefined);
  }, 1_000);
  try {
    return await watchJob<T>(handle, (p) => {
      latest = p;
      printer.update(p);
    });
  } finally {
    clearInterval(watchdog);
    process.removeListener('SIGINT', onInterrupt);
    printer.end();
  }
}
