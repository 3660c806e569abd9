import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';

export const RECONCILE_SCHEDULE_ID = 'dataops-reconcile-runs';
/** How often terminated and timed-out runs are noticed and cleaned up. */
export const RECONCILE_EVERY = '5 minutes';

/**
 * Creates (or brings up to date) the schedule that runs the `reconcileRuns` maintenance workflow;
 * idempotent, so `dataops dev` and `setup-temporal` call it every time. Returns whether it was created.
 */
export async function ensureReconcileSchedule(client: Client, taskQueue: string): Promise<boolean> {
  const action = { type: 'startWorkflow' as const, workflowType: 'reconcileRuns', taskQueue, workflowId: 'dataops-reconcile-runs', args: [] };
  const handle = client.schedule.getHandle(RECONCILE_SCHEDULE_ID);
  try {
    await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every: RECONCILE_EVERY }] }, action }));
    return false;
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  await client.schedule
    .create({
      scheduleId: RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: RECONCILE_EVERY }] },
      action,
      policies: { overlap: 'SKIP', catchupWindow: '10 minutes' },
      memo: { purpose: 'dataops maintenance: reconcile run records with closed workflows' },
    })
    .catch((error) => {
      // Another process created it between the update and the create.
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    });
  return true;
}
