import type pg from 'pg';
import { reconcile, type ReconciliationReport } from '../../governance/reconciliation.ts';
import { pgDigestSide, RECORD_HASH_SINCE, type RowEncoding } from '../../connectors/postgres/row-digests.ts';
import { serverVersion } from '../../connectors/postgres/server-version.ts';
import type { TargetRef, TargetTables } from '../../connectors/target-tables.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { VALUE_TEXT_SETTINGS } from '../staging/open-source.ts';
import { quoteIdent } from '../../connectors/postgres/quote.ts';

/** A read-only centre session printing values as reconciliation encodes them. */
export async function withReconcileSession<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connectPostgres(databaseUrl, { application: 'dataops-reconcile', label: 'the centre database' });
  try {
    await client.query(`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET jit = off; ${VALUE_TEXT_SETTINGS}`);
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type DistributionState = Pick<
  DistributeCheckpoint,
  'sourceTable' | 'sourceColumns' | 'targetColumns' | 'key' | 'resumable' | 'masking' | 'deletedFlag' | 'where'
>;

/**
 * Compares a distributed table (the shadow before the swap, or the live table on demand) with the
 * centre table, inside both databases: row counts and sums of row hashes per key range, narrowed down
 * to the keys that differ. Masked columns are left out (the department holds other values there).
 */
export async function reconcileDistribution(
  centre: pg.ClientBase,
  tables: TargetTables,
  state: DistributionState,
  ref: TargetRef,
  maxKeys?: number,
): Promise<ReconciliationReport & { columns: string[] }> {
  const compared = (name: string) => (state.masking.masks[name] ?? 'none') === 'none';
  const encoding = await encodingWith(centre, tables);
  // Values hashed by their text (arrays, ranges, composites) print timestamptz in the session's zone:
  // both sides in UTC (the department's session is, see open-target.ts).
  if (encoding === 'postgres') await centre.query("SET TimeZone = 'UTC'");
  const source = pgDigestSide(
    centre,
    state.sourceTable,
    state.key,
    state.sourceColumns.filter((c) => compared(c.name)),
    {
      only: state.deletedFlag ? `NOT coalesce(${quoteIdent(state.deletedFlag)}, false)` : undefined,
      filter: state.where,
      encoding,
    },
  );
  const targetColumns = state.targetColumns.filter((c) => compared(c.name));
  const target = tables.digests(ref, state.key, targetColumns, encoding);
  const report = await reconcile(source, target, state.resumable, maxKeys);
  return { ...report, columns: targetColumns.map((c) => c.name) };
}

/** The target's row encoding, when the centre can compute it too (an older centre falls back to the portable one on both sides). */
async function encodingWith(centre: pg.ClientBase, tables: TargetTables): Promise<RowEncoding> {
  if (tables.rowEncoding === 'portable') return 'portable';
  return (await serverVersion(centre)) >= RECORD_HASH_SINCE ? tables.rowEncoding : 'portable';
}

/** "ids 17 (differs), 18 (missing in target)": what a failed reconciliation says. */
export function describeDifferences(report: ReconciliationReport, showKey: (key: string) => string = (k) => k): string {
  const keys = report.keys.map((k) => `${showKey(k.key)} (${k.problem})`).join(', ');
  const where = report.differingRanges ? `${report.differingRanges} key range(s) compared row by row` : `${report.ranges} range digest(s) equal`;
  return `${report.sourceRows} rows in the centre, ${report.targetRows} in the target; ${where}${keys ? `; keys ${keys}` : ''}`;
}
