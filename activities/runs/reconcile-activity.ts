import { Context } from '@temporalio/activity';
import { activityDb, activityLogger, classifyErrors } from '../context.ts';
import { reconcileRunRecords, type ReconcileSummary } from './reconcile-runs.ts';

/** The scheduled reconciliation: closes run records whose workflows closed without them. */
export async function reconcileOpenRuns(): Promise<ReconcileSummary> {
  return classifyErrors(async () => {
    return reconcileRunRecords(activityDb(), Context.current().client, activityLogger({ step: 'reconcile' }));
  });
}
