import { Context } from '@temporalio/activity';
import { targetTableRef } from '../../schemas/job-spec.ts';
import { dropRunShadows } from '../distribute/drop-shadows.ts';
import { dropSharePartials } from '../share/drop-partials.ts';
import type { RunnableSpec } from '../../schemas/pipeline-spec.ts';
import { tableOwner, tableTakenError } from '../../catalogue/resources.ts';
import type { RunStatus } from '../../schemas/metrics.ts';
import { recordRunEnd, recordRunStart, recordRunWarning } from '../../catalogue/runs.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { abandonRunStaging } from '../staging/abandon.ts';

export interface StartRunInput {
  runId: string;
  spec: RunnableSpec;
  /** The time the run is for (a scheduled run's scheduled time). */
  logicalDate?: string;
  parentRunId?: string;
}

/** Records the run in `dataops.runs`; idempotent, so a retried start never creates a second row. */
export async function startRun({ runId, spec, logicalDate, parentRunId }: StartRunInput): Promise<void> {
  return classifyErrors(async () => {
    const info = Context.current().info.workflowExecution;
    await recordRunStart(activityDb(), { runId, spec, workflowId: info?.workflowId ?? runId, temporalRunId: info?.runId ?? null, logicalDate, parentRunId });
    // A published table belongs to one dataset: refuse before staging, not after (publishing checks again).
    if (spec.kind === 'collect' || spec.kind === 'cleanse') {
      const table = targetTableRef(spec);
      const owner = await tableOwner(activityDb(), table);
      if (owner && owner !== spec.dataset) throw tableTakenError(table, spec.dataset, owner);
    }
    activityLogger({ runId }).info({ job: spec.job, dataset: spec.dataset }, 'run started');
  });
}

export interface FinishRunInput {
  runId: string;
  status: Exclude<RunStatus, 'running'>;
  error?: string;
}

export async function finishRun({ runId, status, error }: FinishRunInput): Promise<void> {
  return classifyErrors(async () => {
    await recordRunEnd(activityDb(), runId, status, error);
    activityLogger({ runId }).info({ status, error }, 'run finished');
  });
}

/** After a failure: drops the run's staging tables so nothing partial lingers or is ever published. */
export async function abandonStaging({ runId }: { runId: string }): Promise<void> {
  return classifyErrors(async () => {
    // Shadows first: abandoning turns the checkpoints that name them into tombstones.
    await dropRunShadows(activityDb(), activityConfig(), runId);
    await dropSharePartials(activityDb(), runId);
    await abandonRunStaging(activityDb(), runId);
  });
}

/** A pipeline gate that missed with `onFail: warn`: kept on the run, visible in `runs show`, while it goes on. */
export async function noteRunWarning({ runId, warning }: { runId: string; warning: string }): Promise<void> {
  return classifyErrors(async () => {
    await recordRunWarning(activityDb(), runId, warning);
    activityLogger({ runId }).warn({ warning }, 'run warning');
  });
}
