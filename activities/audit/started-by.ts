import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

type StartedAttributes = temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes;

/** Who started a run, as Temporal recorded it. */
export interface StartedBy {
  /** The client identity on the start event of the outermost workflow (for a schedule: `temporal-scheduler-<namespace>-<schedule id>`). */
  identity: string;
  /** The workflow whose start event named the identity: the run's own, or the pipeline it is a step of. */
  workflowId: string;
  /** The schedule that started it, when one did. */
  scheduleId?: string;
}

const MAX_PARENTS = 10;
const GRPC_NOT_FOUND = 5;

async function startEvent(client: Client, namespace: string, execution: { workflowId: string; runId?: string }): Promise<StartedAttributes> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace, execution, maximumPageSize: 1 });
  const attributes = history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  if (!attributes) throw new Error(`workflow ${execution.workflowId} has no start event in its history`);
  return attributes;
}

function scheduledBy(attributes: StartedAttributes): string | undefined {
  const payload = attributes.searchAttributes?.indexedFields?.TemporalScheduledById;
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload<unknown>(payload);
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/**
 * The identity that started the workflow running this activity, read from the first event of its
 * history (WorkflowExecutionStarted). The activity's own context carries no such thing, and a
 * workflow input could say anything; the history is what the Temporal server recorded. A child
 * workflow (a pipeline's step) was started by its parent's worker, so the parents are followed to
 * the workflow a person or a schedule started; a run continued as new is read from its first run.
 */
export async function startedBy(client: Client = Context.current().client): Promise<StartedBy> {
  const info = Context.current().info;
  const namespace = info.workflowNamespace ?? client.options.namespace;
  if (!info.workflowExecution) throw new Error('startedBy needs an activity of a workflow');
  let execution: { workflowId: string; runId?: string } = info.workflowExecution;
  let attributes = await startEvent(client, namespace, execution);
  for (let hops = 0; hops < MAX_PARENTS; hops++) {
    let next: { workflowId: string; runId?: string };
    const first = attributes.firstExecutionRunId;
    const parent = attributes.parentWorkflowExecution;
    if (attributes.continuedExecutionRunId && first && first !== execution.runId) next = { workflowId: execution.workflowId, runId: first };
    else if (parent?.workflowId) next = { workflowId: parent.workflowId, ...(parent.runId ? { runId: parent.runId } : {}) };
    else break;
    try {
      attributes = await startEvent(client, namespace, next);
    } catch (error) {
      // A parent or first run whose history is gone (retention): the last start event read is the best account.
      if ((error as { code?: unknown }).code === GRPC_NOT_FOUND) break;
      throw error;
    }
    execution = next;
  }
  const scheduleId = scheduledBy(attributes);
  return {
    identity: attributes.identity || 'unknown (the start event names no identity)',
    workflowId: execution.workflowId,
    ...(scheduleId ? { scheduleId } : {}),
  };
}
