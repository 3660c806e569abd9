import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { loadConfig } from '../../config/load-config.ts';
import { connectClient } from '../../temporal/client.ts';
import { startJob, workflowIdFor } from '../../client/start-job.ts';
import { rootCause } from '../../client/root-cause.ts';
import { scanJobSpecSchema, type ScanJobSpec } from '../../schemas/job-spec.ts';
import type { ScanResult } from '../../schemas/scan-run.ts';
import { formatZodError } from '../../schemas/format-error.ts';
import { latestScanRun, scanFindingsOf, type StoredScanFinding } from '../../catalogue/scan-findings.ts';
import { SpecError } from '../load-spec.ts';
import { followRun } from '../follow-run.ts';
import { uiLink } from '../ui-link.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatCount, formatTable } from '../format-table.ts';

export interface ScanOptions {
  connection?: string[];
  sampleRows?: number;
  minShare?: number;
  last?: boolean;
  json?: boolean;
}

/** The job an ad-hoc `dataops scan` runs: the same kind a scheduled scan's spec file describes. */
export function adHocScanSpec(options: ScanOptions): ScanJobSpec {
  const parsed = scanJobSpecSchema.safeParse({
    kind: 'scan',
    job: 'scan',
    dataset: 'security-scan',
    department: 'data-centre',
    connections: options.connection,
    sampleRows: options.sampleRows,
    minShare: options.minShare,
  });
  if (!parsed.success) throw new SpecError(`invalid scan options:\n${formatZodError(parsed.error)}`);
  return parsed.data;
}

/** Where the finding sits against what was allowed there: the connection's level, or the catalogue's classification. */
function allowedThere(f: StoredScanFinding): string {
  if (f.allowedLevel) return `connection allows ${f.allowedLevel}`;
  return f.classification ? `catalogued ${f.classification}` : 'table not catalogued';
}

export function findingsTable(findings: readonly StoredScanFinding[]): string {
  return formatTable(
    ['connection', 'table', 'column', 'holds', 'valid in sample', 'where'],
    findings.map((f) => [
      f.connection,
      f.table,
      f.column,
      `${f.detectedType} (${f.detectedLevel})`,
      `${formatCount(f.validated)}/${formatCount(f.sampled)} (${Math.round(f.share * 100)}%)`,
      allowedThere(f),
    ]),
  );
}

const asJson = (f: StoredScanFinding) => ({ ...f, foundAt: f.foundAt.toISOString() });

/**
 * Scans the connections through Temporal (the scan workflow, as a schedule would) and prints what it
 * found; `--last` prints the newest scan's findings without scanning. Exit 0 when nothing was found,
 * 1 when something was (or a connection could not be scanned), like a monitor check.
 */
export async function scanCommand(options: ScanOptions): Promise<number> {
  if (options.last) return showLastScan(options);
  const spec = adHocScanSpec(options);
  const config = loadConfig();
  const client = await connectClient(config);
  const id = workflowIdFor(spec);
  let result: ScanResult | undefined;
  let failure: string | undefined;
  try {
    let started: Awaited<ReturnType<typeof startJob>>;
    try {
      started = await startJob(client, config, spec, id);
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        console.error(`a scan with id ${error.workflowId} already exists; run ids are never reused (wait a second)`);
        return 1;
      }
      throw error;
    }
    const link = uiLink(config.temporal.address, config.temporal.namespace, id);
    // Progress and notes go to stderr, so --json prints only JSON.
    console.error(`started ${id}${link ? `\n  ${link}` : ''}`);
    try {
      result = await followRun<ScanResult>(client, config, started.handle, id);
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      failure = rootCause(error)?.message ?? error.message;
    }
  } finally {
    await client.connection.close();
  }
  const findings = await withCentreDb((db) => scanFindingsOf(db, id));
  if (options.json) {
    console.log(
      JSON.stringify(
        { run: id, status: failure ? 'failed' : 'succeeded', error: failure, connections: result?.connections, findings: findings.map(asJson) },
        null,
        2,
      ),
    );
  } else {
    if (failure) console.error(`${id} failed: ${failure}`);
    for (const c of result?.connections ?? []) {
      const skipped = c.skippedCount
        ? `; ${c.skippedCount} skipped (${c.skipped.map((s) => `${s.table}: ${s.reason}`).join(', ')}${c.skippedCount > c.skipped.length ? ', …' : ''})`
        : '';
      console.log(
        `${c.connection}: ${formatCount(c.tables)} tables, ${formatCount(c.columns)} columns, ${formatCount(c.rows)} rows sampled, ${c.findings} finding(s)${skipped}`,
      );
    }
    printFindings(findings);
  }
  return failure || findings.length ? 1 : 0;
}

function printFindings(findings: readonly StoredScanFinding[]): void {
  if (!findings.length) {
    console.log('no unmasked personal data found where it should not be');
    return;
  }
  console.log(`${findings.length} column(s) hold unmasked personal data where they should not:`);
  console.log(findingsTable(findings));
}

function showLastScan(options: ScanOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const last = await latestScanRun(db);
    if (!last) {
      console.error('no scan has run yet (start one: dataops scan)');
      return 1;
    }
    let findings = await scanFindingsOf(db, last.runId);
    if (options.connection) findings = findings.filter((f) => options.connection!.includes(f.connection));
    if (options.json) {
      console.log(
        JSON.stringify({ run: last.runId, status: last.status, endedAt: last.endedAt?.toISOString() ?? null, findings: findings.map(asJson) }, null, 2),
      );
    } else {
      console.log(`scan ${last.runId} (${last.status}${last.endedAt ? `, ended ${last.endedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''})`);
      printFindings(findings);
    }
    return last.status !== 'succeeded' || findings.length ? 1 : 0;
  });
}
