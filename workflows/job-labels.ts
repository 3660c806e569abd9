import type { SearchAttributePair } from '@temporalio/common';
import type { RunnableSpec } from '../schemas/pipeline-spec.ts';
import type { DistributeJobSpec, ScanJobSpec, ShareJobSpec, StreamPublishJobSpec } from '../schemas/job-spec.ts';
import { DataOpsDataset, DataOpsDepartment, DataOpsJob, DataOpsKind } from './definitions.ts';
import { sourceLabel, streamSourceLabel, streamTargetLabel } from './source-label.ts';

/** The one-line summary the Web UI shows for a run: what goes where, for whom. */
export function staticSummary(spec: RunnableSpec): string {
  if (spec.kind === 'pipeline') return `pipeline ${spec.job}: ${Object.keys(spec.steps).join(' → ')} (${spec.department})`;
  if (spec.kind === 'share')
    return `share ${distributedTable(spec)} → ${spec.consumer} as ${shareOutputLabel(spec)} (${spec.department}, until ${spec.expires})`;
  if (spec.kind === 'distribute')
    return `distribute ${distributedTable(spec)} → ${spec.target.connection}:${spec.target.table} (${spec.department}, ${spec.target.mode})`;
  if (spec.kind === 'scan')
    return `scan ${scannedConnections(spec)} for unmasked personal data (${spec.department}, at most ${spec.sampleRows} rows per table)`;
  if (spec.kind === 'tag')
    return `tag ${spec.entities.table} (${spec.entities.type}) with ${Object.keys(spec.tags).length} tag(s): ${Object.keys(spec.tags).join(', ')} (${spec.department})`;
  if (spec.kind === 'stream-ingest') return `stream-ingest ${streamSourceLabel(spec.source)} → ${spec.target.table} (${spec.department}, continuous)`;
  if (spec.kind === 'stream-publish')
    return `stream-publish changes of ${distributedTable(spec)} → ${streamTargetLabel(spec.target)} (${spec.department}, ${spec.follow ? `every ${spec.follow.every}` : 'one pass'})`;
  if (spec.kind === 'fuse') return `fuse ${spec.sources.map((s) => s.name).join(' + ')} → ${spec.target.table} (${spec.department}, ${spec.entity})`;
  return `${spec.kind} ${sourceLabel(spec.source)} → ${spec.target.table} (${spec.department}, ${spec.target.mode})`;
}

/** The details the Web UI shows below the summary (markdown). */
export function staticDetails(spec: RunnableSpec): string {
  const what =
    spec.kind === 'pipeline'
      ? Object.entries(spec.steps)
          .map(([name, step]) => `**${name}** ${staticSummary(step.spec)}${step.after.length ? ` · after ${step.after.join(', ')}` : ''}`)
          .join('\n\n')
      : spec.kind === 'share'
        ? `**Source** ${distributedTable(spec)} · **consumer** ${spec.consumer} · **output** ${shareOutputLabel(spec)} · **purpose** ${spec.purpose} · **expires** ${spec.expires}`
        : spec.kind === 'distribute'
          ? `**Source** ${distributedTable(spec)} · **target** ${spec.target.table} on connection ${spec.target.connection} (${spec.target.mode})`
          : spec.kind === 'scan'
            ? `**Scans** ${scannedConnections(spec)} · **sample** ${spec.sampleRows} rows per table · **reported from** ${Math.round(spec.minShare * 100)}% valid values`
            : spec.kind === 'stream-ingest'
              ? `**Source** ${streamSourceLabel(spec.source)} · **target** ${spec.target.table} · **batches** up to ${spec.batch.maxMessages} messages or ${spec.batch.maxWait} · **poison after** ${spec.maxDeliveries} deliveries`
              : spec.kind === 'tag'
                ? `**Entities** ${spec.entities.table} by ${spec.entities.key} (${spec.entities.type}) · **tags** ${Object.entries(spec.tags)
                    .map(([name, t]) => (t.rule ? `${name}: \`${t.rule}\`` : `${name}: list by ${t.list!.match}`))
                    .join(' · ')}`
                : spec.kind === 'stream-publish'
                  ? `**Source** changes of ${distributedTable(spec)} by (${spec.source.incremental.cursor}, key), lag ${spec.source.incremental.lag} · **target** ${streamTargetLabel(spec.target)} · **batches** of ${spec.options.batchRows} rows, each confirmed by the broker before the watermark moves${spec.follow ? ` · **follows** every ${spec.follow.every}` : ''}`
                  : spec.kind === 'fuse'
                    ? `**Sources** ${spec.sources.map((s) => `${s.name} (${s.table})`).join(', ')} · **golden records** ${spec.target.table} · **match at** ${spec.match.threshold} bits, review ${spec.match.reviewBand} below`
                    : `**Source** ${sourceLabel(spec.source)} · **target** ${spec.target.table} (${spec.target.mode})`;
  return [
    `**Job** ${spec.job} · **dataset** ${spec.dataset} · **department** ${spec.department}`,
    what,
    spec.sourceSystem ? `**Source system** ${spec.sourceSystem}` : '',
    spec.description ?? '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** What a distribution sends: a centre table, or a dataset's published table. */
function distributedTable(spec: DistributeJobSpec | ShareJobSpec | StreamPublishJobSpec): string {
  return spec.source.table ?? `dataset ${spec.source.dataset ?? spec.dataset}`;
}

/** Where a share's extract goes: a table on a connection, or files of a format in a folder connection. */
function shareOutputLabel(spec: ShareJobSpec): string {
  if ('table' in spec.output) return `${spec.output.table.connection}:${spec.output.table.table}`;
  const { connection, path, format } = spec.output.files;
  return `${format} files in ${connection}:${path ?? spec.job}`;
}

/** The connections a scan samples, as the spec names them. */
function scannedConnections(spec: ScanJobSpec): string {
  return spec.connections ? `connections ${spec.connections.join(', ')}` : 'every connection';
}

/** The search attributes staff filter runs by in the Web UI. */
export function jobSearchAttributes(spec: RunnableSpec): SearchAttributePair[] {
  return [
    { key: DataOpsJob, value: spec.job },
    { key: DataOpsKind, value: spec.kind },
    { key: DataOpsDataset, value: spec.dataset },
    { key: DataOpsDepartment, value: spec.department },
  ];
}
