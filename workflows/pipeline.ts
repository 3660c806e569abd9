import { ApplicationFailure, executeChild, workflowInfo } from '@temporalio/workflow';
import type { CleanseResult } from '../schemas/cleanse-run.ts';
import type { CollectResult } from '../schemas/collect-run.ts';
import type { DistributeResult } from '../schemas/distribute-run.ts';
import type { ShareResult } from '../schemas/share-run.ts';
import type { ScanResult } from '../schemas/scan-run.ts';
import type { StreamPublishResult } from '../schemas/stream-publish-run.ts';
import type { FuseResult } from './fuse.ts';
import type { TagResult } from '../schemas/tag-run.ts';
import type { JobSpec } from '../schemas/job-spec.ts';
import type { ResolvedPipelineSpec } from '../schemas/pipeline-spec.ts';
import type { PipelineResult, StepOutcome } from '../schemas/pipeline-run.ts';
import { gateFailures, type StepFigures } from '../governance/gates.ts';
import { bookkeeping, ProgressState, withRunRecord } from './lifecycle.ts';
import { jobSearchAttributes, staticDetails, staticSummary } from './job-labels.ts';
import { runContext } from './run-context.ts';
import { workflowTypeOf } from './definitions.ts';

function figuresOf(spec: JobSpec, result: CollectResult | CleanseResult | DistributeResult): StepFigures {
  if (spec.kind === 'scan') return { accuracy: null, rejectedShare: 0, records: (result as unknown as ScanResult).findings };
  if (spec.kind === 'distribute') return { accuracy: null, rejectedShare: 0, records: (result as DistributeResult).publish.rows };
  if (spec.kind === 'share') return { accuracy: null, rejectedShare: 0, records: (result as unknown as ShareResult).publish.rows };
  if (spec.kind === 'fuse') return { accuracy: null, rejectedShare: 0, records: (result as unknown as FuseResult).match.entities };
  if (spec.kind === 'stream-publish') return { accuracy: null, rejectedShare: 0, records: (result as unknown as StreamPublishResult).totals.rows };
  if (spec.kind === 'tag') {
    const r = result as unknown as TagResult;
    return { accuracy: null, rejectedShare: 0, records: r.apply.tags.reduce((n, t) => n + t.current, 0) };
  }
  if (spec.kind === 'cleanse') {
    const r = result as CleanseResult;
    return { accuracy: r.publish.accuracy, rejectedShare: r.stage.rows ? r.stage.rejected / r.stage.rows : 0, records: r.publish.published };
  }
  const r = result as CollectResult;
  return { accuracy: r.publish.accuracy, rejectedShare: 0, records: r.publish.changed ?? r.publish.rows };
}

function failureText(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause && !(current instanceof ApplicationFailure)) current = current.cause as typeof current;
  return current?.message ?? String(error);
}

/**
 * Several jobs as one run: each step a child workflow (its own run, linked to this one in the Web UI
 * and in `runs show`), started once the steps it comes after have succeeded and passed their gates.
 * A failed step, or a gate with `onFail: stop`, skips everything after it and fails the pipeline with
 * the reason; `warn` records the miss and goes on.
 */
export async function pipeline(input: { runId?: string; spec: ResolvedPipelineSpec }): Promise<PipelineResult> {
  const { runId, spec, logicalDate } = runContext(input);
  const progress = new ProgressState();
  return withRunRecord({ runId, spec, logicalDate }, progress, async () => {
    const outcomes: Record<string, StepOutcome> = {};
    const running = new Map<string, Promise<StepOutcome>>();
    const runStep = (name: string): Promise<StepOutcome> => {
      let started = running.get(name);
      if (started) return started;
      started = (async () => {
        const step = spec.steps[name]!;
        const childId = `${runId}/${name}`;
        const before = await Promise.all(step.after.map(runStep));
        const blocked = step.after.filter((_, i) => before[i]!.status !== 'succeeded');
        const base = { kind: step.spec.kind, runId: childId, records: null, accuracy: null, rejectedShare: null, gateFailures: [] };
        if (blocked.length) return { ...base, status: 'skipped', error: `skipped: ${blocked.join(', ')} did not succeed` } as StepOutcome;
        progress.set({ phase: 'staging', step: name, child: childId, rows: 0, bytes: 0, batches: 0, totalBytes: undefined, totalRows: undefined });
        try {
          const result = await executeChild<(input: unknown) => Promise<CollectResult | CleanseResult | DistributeResult>>(workflowTypeOf(step.spec.kind), {
            workflowId: childId,
            args: [{ runId: childId, spec: step.spec, parentRunId: runId, logicalDate }],
            typedSearchAttributes: jobSearchAttributes(step.spec),
            staticSummary: `${name} of ${spec.job}: ${staticSummary(step.spec)}`,
            staticDetails: staticDetails(step.spec),
          });
          const figures = figuresOf(step.spec, result);
          const failures = step.gate ? gateFailures(step.gate, figures) : [];
          const outcome: StepOutcome = { ...base, ...figures, status: 'succeeded', gateFailures: failures };
          if (!failures.length) return outcome;
          const message = `gate of step ${name} failed: ${failures.join('; ')}`;
          if (step.gate!.onFail === 'warn') {
            await bookkeeping.noteRunWarning({ runId, warning: message });
            return outcome;
          }
          return { ...outcome, status: 'gate-failed', error: message };
        } catch (error) {
          return { ...base, status: 'failed', error: `step ${name} failed: ${failureText(error)}` };
        }
      })();
      started.then((outcome) => {
        outcomes[name] = outcome;
      });
      running.set(name, started);
      return started;
    };
    await Promise.all(Object.keys(spec.steps).map(runStep));
    const stopped = Object.values(outcomes).filter((o) => o.status === 'failed' || o.status === 'gate-failed');
    if (stopped.length) {
      const skipped = Object.entries(outcomes)
        .filter(([, o]) => o.status === 'skipped')
        .map(([name]) => name);
      throw ApplicationFailure.nonRetryable(
        `${stopped.map((o) => o.error).join('; ')}${skipped.length ? ` (not run: ${skipped.join(', ')})` : ''}`,
        stopped.some((o) => o.status === 'gate-failed') ? 'GateFailed' : 'StepFailed',
        { runId, steps: outcomes },
      );
    }
    return { runId: runId ?? workflowInfo().workflowId, steps: outcomes };
  });
}
