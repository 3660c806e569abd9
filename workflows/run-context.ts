import { workflowInfo } from '@temporalio/workflow';
import type { RunnableSpec } from '../schemas/pipeline-spec.ts';
import { TemporalScheduledStartTime } from './definitions.ts';

export interface RunContext<S extends RunnableSpec> {
  /** The run's id: the one it was started with, else (a scheduled run) its workflow id. */
  runId: string;
  spec: S;
  /**
   * The time the run is for: a scheduled run's scheduled time (also when backfilled or caught up
   * late), else when the workflow started. A backfill of last week's runs works on last week's dates.
   */
  logicalDate: string;
}

/** The centre's calendar date of an instant, for rules about "today". */
function shanghaiDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);
}

/** Where a run stands in time and what it is called; a scheduled run carries no run id or today of its own. */
export function runContext<S extends RunnableSpec>(input: { runId?: string; spec: S; logicalDate?: string }): RunContext<S> {
  const info = workflowInfo();
  // A pipeline's steps run for the pipeline's time, handed down; a scheduled run's is its scheduled time.
  const logical = input.logicalDate ? new Date(input.logicalDate) : (info.typedSearchAttributes.get(TemporalScheduledStartTime) ?? info.startTime);
  const spec = input.spec.kind === 'cleanse' && !input.spec.today ? { ...input.spec, today: shanghaiDate(logical) } : input.spec;
  return { runId: input.runId ?? info.workflowId, spec, logicalDate: logical.toISOString() };
}
