import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../../config/load-config.ts';
import { loadJobSpec } from '../load-spec.ts';
import { connectClient } from '../../temporal/client.ts';
import { startJob, workflowIdFor, workflowInput } from '../../client/start-job.ts';
import { rootCause } from '../../client/root-cause.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';
import { followRun } from '../follow-run.ts';
import { uiLink } from '../ui-link.ts';
import { formatCount, formatPercent, formatTable } from '../format-table.ts';

export interface RunOptions {
  wait?: boolean;
  id?: string;
  json?: boolean;
}

export function cleanseSummaryTable(result: CleanseResult): string {
  const { stage, publish } = result;
  return formatTable(
    ['run', 'table', 'version', 'read', 'clean', 'flagged', 'rejected', 'fixes', 'accuracy', 'attempt'],
    [
      [
        result.runId,
        publish.table,
        publish.version,
        formatCount(stage.rows),
        formatCount(stage.clean),
        formatCount(stage.flagged),
        formatCount(stage.rejected),
        formatCount(stage.fixes),
        formatPercent(publish.accuracy),
        stage.attempt,
      ],
    ],
  );
}

export function summaryTable(result: CollectResult): string {
  const { stage, publish } = result;
  return formatTable(
    ['run', 'table', 'version', 'rows', 'columns', 'sensitivity', 'completeness', 'accuracy', 'attempt'],
    [
      [
        result.runId,
        publish.table,
        publish.version,
        formatCount(publish.rows),
        publish.columns,
        publish.sensitivity,
        formatPercent(publish.completeness),
        formatPercent(publish.accuracy),
        stage.attempt,
      ],
    ],
  );
}

export async function runCommand(specPath: string, options: RunOptions): Promise<number> {
  const spec = loadJobSpec(specPath);
  const id = options.id ?? workflowIdFor(spec);
  // startJob checks this too; checked first so an oversized spec is refused without a server.
  workflowInput(spec, id);
  const config = loadConfig();
  const client = await connectClient(config);
  try {
    let started: Awaited<ReturnType<typeof startJob>>;
    try {
      started = await startJob(client, config, spec, id);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        console.error(`a run with id ${error.workflowId} already exists; run ids are never reused (give another --id, or wait a second)`);
        return 1;
      }
      throw error;
    }
    const { handle, workflowId } = started;
    const link = uiLink(config.temporal.address, config.temporal.namespace, workflowId);
    console.log(`started ${workflowId}${link ? `\n  ${link}` : ''}`);
    if (!options.wait) return 0;
    try {
      const result = await followRun<CollectResult | CleanseResult>(client, config, handle, workflowId);
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else if ('published' in result.publish) {
        console.log(cleanseSummaryTable(result as CleanseResult));
        console.log(`quarantined records: ./bin/dataops.mjs quarantine list ${result.runId}`);
      } else console.log(summaryTable(result as CollectResult));
      return 0;
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        console.error(`${workflowId} failed: ${rootCause(error)?.message ?? error.message}`);
        return 1;
      }
      throw error;
    }
  } finally {
    await client.connection.close();
  }
}
