import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { ScanJobSpec } from '../../schemas/job-spec.ts';
import type { ConnectionScanSummary, ScanTarget } from '../../schemas/scan-run.ts';
import type { LiveCounts } from '../../schemas/progress.ts';
import { maxUnmaskedLevel } from '../../config/connections.ts';
import { isScannedTable } from '../../governance/scan/scanned-tables.ts';
import { tableFindings } from '../../governance/scan/table-findings.ts';
import type { ScanPlace } from '../../governance/scan/verdict.ts';
import { cataloguedCentreTables, recordTableFindings, type CataloguedColumn, type ScanFinding } from '../../catalogue/scan-findings.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSampler } from './open-sampler.ts';

export interface ScanConnectionInput {
  runId: string;
  spec: ScanJobSpec;
  target: ScanTarget;
}

/**
 * Heartbeat details: the last table whose findings are stored and the counts so far, plus live counts
 * in the shape `dataops status` reads (rows sampled; a table is a batch).
 */
interface ScanProgress extends LiveCounts {
  lastTable: string;
  summary: ConnectionScanSummary;
}

function progress(lastTable: string, summary: ConnectionScanSummary): ScanProgress {
  return { step: `scan ${summary.connection}`, rows: summary.rows, bytes: 0, batches: summary.tables, lastTable, summary };
}

const MAX_SKIPPED_LISTED = 20;

const label = (t: { schema: string; table: string }) => `${t.schema}.${t.table}`;

/**
 * Samples every table of one connection and stores, table by table, the columns holding personal data
 * where they should not (dataops.scan_findings); returns only counts. Tables go in name order and each
 * table's findings are replaced as a whole, so a retried attempt resumes after the last table its
 * predecessor heartbeated and a table sampled twice is stored once.
 */
export async function scanConnection({ runId, spec, target }: ScanConnectionInput): Promise<ConnectionScanSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as ScanProgress | undefined;
      const config = activityConfig();
      const db = activityDb();
      const log = activityLogger({ runId, connection: target.connection });
      const summary: ConnectionScanSummary = resumed?.summary ?? {
        connection: target.connection,
        tables: 0,
        columns: 0,
        rows: 0,
        findings: 0,
        skipped: [],
        skippedCount: 0,
      };
      const sampler = await openSampler(config, target);
      try {
        const tables = (await sampler.tables())
          .filter((t) => isScannedTable(t.schema, t.table, { centre: target.centre }))
          .sort((a, b) => (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
        const catalogue = target.centre ? await cataloguedCentreTables(db) : undefined;
        const allowedLevel = maxUnmaskedLevel(config, target.connection);
        const thresholds = { minShare: spec.minShare, minValues: spec.minValues };
        for (const table of tables) {
          const name = label(table);
          if (resumed && name <= resumed.lastTable) continue;
          if (ctx.cancellationSignal.aborted) throw new CancelledFailure(`scan of ${target.connection} cancelled`);
          let values: (string | null)[][];
          try {
            values = await sampler.sample(table, spec.sampleRows);
          } catch (error) {
            const reason = sampler.skipReason(error);
            if (!reason) throw error;
            log.warn({ table: name, reason }, 'table skipped');
            summary.skippedCount++;
            if (summary.skipped.length < MAX_SKIPPED_LISTED) summary.skipped.push({ table: name, reason });
            beat(progress(name, summary));
            continue;
          }
          const placeOf = placeIn(target.centre ? { catalogued: catalogue!.get(name) } : { allowedLevel });
          const found = tableFindings(table.columns, values, placeOf, thresholds);
          const findings: ScanFinding[] = found.map(({ column, detection, verdict }) => ({
            connection: target.connection,
            table: name,
            column,
            detectedType: detection.type,
            detectedLevel: detection.level,
            share: detection.share,
            validated: detection.validated,
            sampled: detection.sampled,
            classification: verdict.classification,
            allowedLevel: verdict.allowedLevel,
            reason: verdict.reason,
          }));
          await recordTableFindings(db, runId, target.connection, name, findings);
          summary.tables++;
          summary.columns += table.columns.length;
          summary.rows += values[0]?.length ?? 0;
          summary.findings += findings.length;
          beat(progress(name, summary));
        }
        log.info({ tables: summary.tables, findings: summary.findings, skipped: summary.skippedCount }, 'connection scanned');
        return summary;
      } finally {
        await sampler.close();
      }
    }),
  );
}

/** How a column of the table is judged: against the department's allowed level, or the centre's catalogue. */
function placeIn(where: { allowedLevel: string } | { catalogued: Map<string, CataloguedColumn> | undefined }): (column: string) => ScanPlace {
  if ('allowedLevel' in where) return () => ({ kind: 'department', allowedLevel: where.allowedLevel });
  const { catalogued } = where;
  if (!catalogued) return () => ({ kind: 'centre-uncatalogued' });
  return (column) => ({ kind: 'centre-catalogued', column: catalogued.get(column) });
}
