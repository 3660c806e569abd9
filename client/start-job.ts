import type { Client, WorkflowHandle } from '@temporalio/client';
import type { JobSpec } from '../schemas/job-spec.ts';
import type { Config } from '../schemas/config.ts';
import { DataOpsDataset, DataOpsDepartment, DataOpsJob, DataOpsKind } from '../workflows/definitions.ts';

/** `collect:minhang-residents:20261126T020000`: what it is and when, readable in the UI. */
export function workflowIdFor(spec: JobSpec, at: Date = new Date()): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `${spec.kind}:${spec.dataset}:${stamp}`;
}

function sourceText(spec: JobSpec): string {
  const s = spec.source;
  if (s.type === 'file') return `${s.connection ? `${s.connection}:` : ''}${s.path.split('/').pop()}`;
  if (s.type === 'table') return `${s.connection}:${s.table}`;
  return `${s.connection}:query`;
}

export function staticSummary(spec: JobSpec): string {
  return `${spec.kind} ${sourceText(spec)} → ${spec.target.table} (${spec.department}, ${spec.target.mode})`;
}

function staticDetails(spec: JobSpec): string {
  return [
    `**Job** ${spec.job} · **dataset** ${spec.dataset} · **department** ${spec.department}`,
    `**Source** ${sourceText(spec)} · **target** ${spec.target.table} (${spec.target.mode})`,
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

export async function startJob(client: Client, config: Config, spec: JobSpec, workflowId = workflowIdFor(spec)): Promise<StartedJob> {
  if (spec.kind === 'cleanse' && !spec.today) spec = { ...spec, today: shanghaiToday() };
  const handle = await client.workflow.start(spec.kind, {
    taskQueue: config.temporal.taskQueue,
    workflowId,
    args: [{ runId: workflowId, spec }],
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
