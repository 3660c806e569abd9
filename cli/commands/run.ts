import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../../config/load-config.ts';
import { loadSpec } from '../load-spec.ts';
import type { FuseResult } from '../../workflows/fuse.ts';
import type { PipelineResult, StepOutcome } from '../../schemas/pipeline-run.ts';
import { connectClient } from '../../temporal/client.ts';
import { startJob, workflowIdFor, workflowInput } from '../../client/start-job.ts';
import { rootCause } from '../../client/root-cause.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';
import type { DistributeResult } from '../../schemas/distribute-run.ts';
import type { ShareResult } from '../../schemas/share-run.ts';
import type { ScanResult } from '../../schemas/scan-run.ts';
import type { TagResult } from '../../schemas/tag-run.ts';
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

/** One line per pipeline step: how it ended, what it measured, which gate thresholds it missed. */
export function pipelineSummaryTable(steps: Record<string, StepOutcome>): string {
  return formatTable(
    ['step', 'kind', 'status', 'records', 'accuracy', 'rejected', 'run', 'note'],
    Object.entries(steps).map(([name, s]) => [
      name,
      s.kind,
      s.status,
      s.records === null ? '' : formatCount(s.records),
      formatPercent(s.accuracy),
      formatPercent(s.rejectedShare),
      s.runId,
      s.error ?? s.gateFailures.join('; '),
    ]),
  );
}

export function distributeSummaryTable(result: DistributeResult): string {
  const { stage, publish } = result;
  return formatTable(
    ['run', 'connection', 'table', 'rows', 'columns', 'reconciled', 'batches', 'attempt'],
    [
      [
        result.runId,
        publish.connection,
        publish.table,
        formatCount(publish.rows),
        publish.columns,
        publish.reconciled ? 'rows match' : 'no',
        stage.batches,
        stage.attempt,
      ],
    ],
  );
}

/** What an incremental distribution did, in one line. */
export function incrementalLine(inc: NonNullable<DistributeResult['publish']['incremental']>): string {
  if (inc.fresh) return `incremental: every row sent (${formatCount(inc.sent)}), loaded beside the table and swapped in; the next run sends changes only`;
  const parts = [`${formatCount(inc.sent)} changed rows sent`, `${formatCount(inc.upserted)} upserted`, `${formatCount(inc.deleted)} deleted`];
  if (inc.pending) parts.push(`${formatCount(inc.pending)} changed after this run's window (the next run sends them)`);
  if (inc.kept) parts.push(`${formatCount(inc.kept)} deleted in the centre but kept (deletes not compared this run)`);
  return `incremental: ${parts.join(' · ')}`;
}

export function shareSummaryTable(result: ShareResult): string {
  const { stage, publish } = result;
  const where = publish.output === 'table' ? `${publish.connection}:${publish.table}` : `${publish.connection}:${publish.directory} (${publish.format})`;
  return formatTable(
    ['run', 'consumer', 'output', 'rows', 'columns', 'files', 'expires', 'attempt'],
    [[result.runId, publish.consumer, where, formatCount(publish.rows), publish.columns.length, publish.files?.length ?? '', publish.expires, stage.attempt]],
  );
}

/** One line for a fusion run: its entities by what happened to them, and how much each source matched. */
export function fuseSummaryTable(result: FuseResult): string {
  const m = result.match;
  return formatTable(
    ['run', 'records', 'entities', 'new', 'changed', 'unchanged', 'merged', 'split', 'retired', 'in conflict', 'to review', 'match rate per source'],
    [
      [
        result.runId,
        formatCount(m.records),
        formatCount(m.entities),
        formatCount(m.new),
        formatCount(m.changed),
        formatCount(m.unchanged),
        m.merged,
        m.split,
        m.retired,
        m.conflicting,
        m.reviews,
        m.perSource.map((s) => `${s.source} ${formatPercent(s.records ? s.matched / s.records : null)}`).join(', '),
      ],
    ],
  );
}

export function scanSummaryTable(result: ScanResult): string {
  return formatTable(
    ['run', 'connection', 'tables', 'columns', 'rows sampled', 'skipped', 'findings'],
    result.connections.map((c) => [result.runId, c.connection, c.tables, c.columns, c.rows, c.skippedCount, c.findings]),
  );
}

/** One line per tag: what the run added and removed, what holds now, and what its rules could not decide. */
export function tagSummaryTable(result: TagResult): string {
  return formatTable(
    ['run', 'tag', 'current', 'added', 'removed', 'undecided', 'entities', 'version'],
    result.apply.tags.map((t) => [
      result.runId,
      t.tag,
      formatCount(t.current),
      formatCount(t.added),
      formatCount(t.removed),
      formatCount(t.unknown + t.errors),
      formatCount(t.evaluated),
      t.ruleVersion.slice(0, 8),
    ]),
  );
}

export function summaryTable(result: CollectResult): string {
  const { stage, publish } = result;
  const headers = ['run', 'table', 'version', 'rows', 'columns', 'sensitivity', 'completeness', 'accuracy', 'attempt'];
  const values: (string | number)[] = [
    result.runId,
    publish.table,
    publish.version,
    formatCount(publish.rows),
    publish.columns,
    publish.sensitivity,
    formatPercent(publish.completeness),
    formatPercent(publish.accuracy),
    stage.attempt,
  ];
  // Merges and appends: what this run changed, besides what the table holds now.
  if (publish.changed !== undefined) {
    headers.splice(4, 0, 'changed', 'deleted');
    values.splice(4, 0, formatCount(publish.changed), formatCount(publish.deleted ?? 0));
  }
  if (publish.files !== undefined) {
    headers.splice(4, 0, 'files');
    values.splice(4, 0, publish.files);
  }
  return formatTable(headers, [values]);
}

export async function runCommand(specPath: string, options: RunOptions): Promise<number> {
  const spec = loadSpec(specPath);
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
      if (error instanceof WorkflowExecutionAlreadyStartedError && spec.kind === 'stream-ingest') {
        console.error(`stream ${spec.job} is already running (see: dataops streams status ${spec.job}; stop it with: dataops streams stop ${spec.job})`);
        return 1;
      }
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        console.error(`a run with id ${error.workflowId} already exists; run ids are never reused (give another --id, or wait a second)`);
        return 1;
      }
      throw error;
    }
    const { handle, workflowId } = started;
    const link = uiLink(config.temporal.address, config.temporal.namespace, workflowId);
    console.log(`started ${workflowId}${link ? `\n  ${link}` : ''}`);
    if (spec.kind === 'stream-ingest') {
      console.log(`a stream runs until stopped: dataops streams status ${spec.job} · pause | resume | stop ${spec.job}`);
      return 0;
    }
    if (!options.wait) return 0;
    try {
      const result = await followRun<CollectResult | CleanseResult | DistributeResult | ShareResult | PipelineResult>(client, config, handle, workflowId);
      if (options.json) console.log(JSON.stringify(result, null, 2));
      else if ('steps' in result) console.log(pipelineSummaryTable(result.steps));
      else if (spec.kind === 'fuse') {
        const fused = result as unknown as FuseResult;
        console.log(fuseSummaryTable(fused));
        console.log(
          `golden records: ${fused.publish.table} (history ${fused.publish.history}) · one entity: dataops entity <id> · review queue: dataops review list --job ${spec.job}`,
        );
      } else if ('apply' in result) {
        console.log(tagSummaryTable(result as unknown as TagResult));
        console.log("an entity's tags and evidence: ./bin/dataops.mjs tags <entity-id>");
      } else if ('connections' in result) {
        const scan = result as unknown as ScanResult;
        console.log(scanSummaryTable(scan));
        console.log(scan.findings ? `findings: ./bin/dataops.mjs scan --last` : 'no unmasked personal data found where it should not be');
      } else if ('consumer' in result.publish) {
        const { publish } = result as ShareResult;
        console.log(shareSummaryTable(result as ShareResult));
        const masked = Object.entries(publish.masked).map(([column, mask]) => `${column} (${mask})`);
        console.log(masked.length ? `masked: ${masked.join(', ')}${publish.keyVersion ? ` · key ${publish.keyVersion}` : ''}` : 'masked: none');
      } else if ('reconciled' in result.publish) {
        const { publish } = result as DistributeResult;
        console.log(distributeSummaryTable(result as DistributeResult));
        const masked = Object.entries(publish.masked).map(([column, mask]) => `${column} (${mask})`);
        console.log(masked.length ? `masked: ${masked.join(', ')}${publish.keyVersion ? ` · key ${publish.keyVersion}` : ''}` : 'masked: none');
        if (publish.incremental) console.log(incrementalLine(publish.incremental));
      } else if ('published' in result.publish) {
        console.log(cleanseSummaryTable(result as CleanseResult));
        console.log(`quarantined records: ./bin/dataops.mjs quarantine list ${result.runId}`);
      } else {
        console.log(summaryTable(result as CollectResult));
        for (const warning of (result as CollectResult).publish.warnings ?? []) console.log(`warning: ${warning}`);
      }
      return 0;
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        const cause = rootCause(error);
        console.error(`${workflowId} failed: ${cause?.message ?? error.message}`);
        // A pipeline's failure carries how each step ended.
        const steps = (cause as { details?: { steps?: Record<string, StepOutcome> }[] } | undefined)?.details?.[0]?.steps;
        if (steps && !options.json) console.error(pipelineSummaryTable(steps));
        return 1;
      }
      throw error;
    }
  } finally {
    await client.connection.close();
  }
}
