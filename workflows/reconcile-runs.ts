import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.ts';
import type { ReconcileSummary } from '../activities/runs/reconcile-runs.ts';

const { reconcileOpenRuns } = proxyActivities<typeof activities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3 },
  summary: 'close run records whose workflows ended without them; drop their staging',
});

/**
 * Maintenance, on a Temporal Schedule every few minutes: a workflow terminated from the Web UI or CLI
 * (or timed out) cannot record its own end, so this records it and removes what the run left behind.
 */
export async function reconcileRuns(): Promise<ReconcileSummary> {
  return reconcileOpenRuns();
}
