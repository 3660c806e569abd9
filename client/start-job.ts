import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Config } from '../schemas/config.ts';
import type { RunnableSpec } from '../schemas/pipeline-spec.ts';
import { jobSearchAttributes, staticDetails, staticSummary } from '../workflows/job-labels.ts';
import { workflowTypeOf } from '../workflows/definitions.ts';

export { staticSummary };

/** `collect:minhang-residents:20261126T020000`: what it is and when, readable in the UI. */
export function workflowIdFor(spec: RunnableSpec, at: Date = new Date()): string {
  // One live workflow per stream, found by its job's name; each start of it is a run of its own.
  if (spec.kind === 'stream-ingest') return streamWorkflowId(spec.job);
  return `${spec.kind}:${spec.dataset}:${stamp(at)}`;
}

function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
}

/** The stream-ingest workflow of a job: `stream-ingest:<job>`. */
export function streamWorkflowId(job: string): string {
  return `stream-ingest:${job}`;
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
export function workflowInput<S extends RunnableSpec>(spec: S, workflowId: string): { runId: string; spec: S } {
  if (spec.kind === 'cleanse' && !spec.today) spec = { ...spec, today: shanghaiToday() };
  // A stream's workflow id outlives its runs (stopped, started again): the run id carries the start time.
  const runId = spec.kind === 'stream-ingest' ? `${workflowId}:${stamp(new Date())}` : workflowId;
  return sizeChecked({ runId, spec }, workflowId);
}

/**
 * What a schedule starts each time: the spec alone. Every run takes its id from its workflow id and
 * its "today" from its scheduled time, so a run next month does not work on today's date.
 */
export function scheduledInput<S extends RunnableSpec>(spec: S, scheduleId: string): { spec: S } {
  return sizeChecked({ spec }, scheduleId);
}

function sizeChecked<T>(input: T, id: string): T {
  const bytes = Buffer.byteLength(JSON.stringify(input), 'utf8');
  if (bytes > MAX_WORKFLOW_INPUT_BYTES) throw new WorkflowInputTooLargeError(id, bytes);
  return input;
}

export async function startJob(client: Client, config: Config, spec: RunnableSpec, workflowId = workflowIdFor(spec)): Promise<StartedJob> {
  const input = workflowInput(spec, workflowId);
  spec = input.spec;
  const handle = await client.workflow.start(workflowTypeOf(spec.kind), {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [input],
    typedSearchAttributes: jobSearchAttributes(spec),
    // A run id names one run forever: its staging, checkpoint, metrics and quarantine.
    workflowIdReusePolicy: spec.kind === 'stream-ingest' ? 'ALLOW_DUPLICATE' : 'REJECT_DUPLICATE',
    staticSummary: staticSummary(spec),
    staticDetails: staticDetails(spec),
  });
  return { handle, workflowId, runId: input.runId };
}
