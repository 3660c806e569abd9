import type { Client, WorkflowHandle } from '@temporalio/client';
import type { JobSpec } from '../schemas/job-spec.ts';
import type { Config } from '../schemas/config.ts';
import { sourceLabel } from '../workflows/source-label.ts';
import { DataOpsDataset, DataOpsDepartment, DataOpsJob, DataOpsKind } from '../workflows/definitions.ts';

/** `collect:minhang-residents:20261126T020000`: what it is and when, readable in the UI. */
export function workflowIdFor(spec: JobSpec, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `${spec.kind}:${spec.dataset}:${stamp}`;
}

export function staticSummary(spec: JobSpec): string {
  return `${spec.kind} ${sourceLabel(spec.source)} → ${spec.target.table} (${spec.department}, ${spec.target.mode})`;
}

function staticDetails(spec: JobSpec): string {
  return [
    `**Job** ${spec.job} · **dataset** ${spec.dataset} · **department** ${spec.department}`,
    `**Source** ${sourceLabel(spec.source)} · **target** ${spec.target.table} (${spec.target.mode})`,
    spec.sourceSystem ? `**Source system** ${spec.sourceSystem}` : '',
    spec.description ?? '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export interface StartedJob {
  handle: WorkflowHandle;
  workflowId: string;
  runId: string;
}

/** Today's date in the centre's time zone: rules about the future need a fixed "today" per run. */
function shanghaiToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/**
 * Temporal refuses payloads over 2 MB (and requests over 4 MB); the input is kept to half of that, so the
 * static details and headers sent with it fit too.
 */
export const MAX_WORKFLOW_INPUT_BYTES = 1024 * 1024;

/** The spec would make a workflow input Temporal refuses, or nearly: an invalid job, not a failure (exit 2). */
export class WorkflowInputTooLargeError extends Error {
  override readonly name = 'WorkflowInputTooLargeError';
  constructor(
    readonly workflowId: string,
    readonly bytes: number,
  ) {
    super(
      `the workflow input would be ${(bytes / (1024 * 1024)).toFixed(1)} MiB of JSON, ` +
        `over the ${MAX_WORKFLOW_INPUT_BYTES / (1024 * 1024)} MiB dataops allows (Temporal refuses payloads over 2 MB); ` +
        'long value lists belong in reference files, not in the spec',
    );
  }
}

/** What the workflow gets, `{ runId, spec }`; refused with WorkflowInputTooLargeError when too large to send. */
export function workflowInput(spec: JobSpec, workflowId: string): { runId: string; spec: JobSpec } {
  if (spec.kind === 'cleanse' && !spec.today) spec = { ...spec, today: shanghaiToday() };
  const input = { runId: workflowId, spec };
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > MAX_WORKFLOW_INPUT_BYTES) throw new WorkflowInputTooLargeError(workflowId, bytes);
  return input;
}

export async function startJob(client: Client, config: Config, spec: JobSpec, workflowId = workflowIdFor(spec)): Promise<StartedJob> {
  const input = workflowInput(spec, workflowId);
  spec = input.spec;
  const handle = await client.workflow.start(spec.kind, {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: [
      { key: DataOpsJob, value: spec.job },
      { key: DataOpsKind, value: spec.kind },
      { key: DataOpsDataset, value: spec.dataset },
      { key: DataOpsDepartment, value: spec.department },
    ],
    // A run id names one run forever: its staging, checkpoint, metrics and quarantine.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: staticSummary(spec),
    staticDetails: staticDetails(spec),
  });
  return { handle, workflowId, runId: workflowId };
}
