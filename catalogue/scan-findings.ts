import type { Knex } from 'knex';

/** One column a scan found holding unmasked personal data where it should not. */
export interface ScanFinding {
  connection: string;
  /** `schema.table` (PostgreSQL) or `database.table` (MySQL / MariaDB). */
  table: string;
  column: string;
  detectedType: string;
  detectedLevel: string;
  share: number;
  validated: number;
  sampled: number;
  classification: string | null;
  allowedLevel: string | null;
  reason: string;
}

export interface StoredScanFinding extends ScanFinding {
  runId: string;
  foundAt: Date;
}

/**
 * Replaces what a run found in one table with `findings`, in one transaction: a table sampled again
 * by a retried attempt ends with its findings once.
 */
export async function recordTableFindings(db: Knex, runId: string, connection: string, table: string, findings: readonly ScanFinding[]): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('dataops.scan_findings').where({ run_id: runId, connection, table_name: table }).delete();
    if (!findings.length) return;
    await trx('dataops.scan_findings').insert(
      findings.map((f) => ({
        run_id: runId,
        connection: f.connection,
        table_name: f.table,
        column_name: f.column,
        detected_type: f.detectedType,
        detected_level: f.detectedLevel,
        share: f.share,
        validated: f.validated,
        sampled: f.sampled,
        classification: f.classification,
        allowed_level: f.allowedLevel,
        reason: f.reason,
      })),
    );
  });
}

/** A run's findings, by connection, table and column. */
export async function scanFindingsOf(db: Knex, runId: string): Promise<StoredScanFinding[]> {
  const rows = await db('dataops.scan_findings').where({ run_id: runId }).orderBy(['connection', 'table_name', 'column_name']);
  return rows.map((r) => ({
    runId: r.run_id,
    connection: r.connection,
    table: r.table_name,
    column: r.column_name,
    detectedType: r.detected_type,
    detectedLevel: r.detected_level,
    share: Number(r.share),
    validated: Number(r.validated),
    sampled: Number(r.sampled),
    classification: r.classification,
    allowedLevel: r.allowed_level,
    reason: r.reason,
    foundAt: new Date(r.found_at),
  }));
}

/** The newest scan run that has ended (succeeded, or failed with some connections unscanned), if any. */
export async function latestScanRun(db: Knex): Promise<{ runId: string; status: string; endedAt: Date | null } | undefined> {
  const row = await db('dataops.runs')
    .where({ kind: 'scan' })
    .whereIn('status', ['succeeded', 'failed'])
    .orderBy('started_at', 'desc')
    .first('run_id', 'status', 'ended_at');
  return row ? { runId: row.run_id, status: row.status, endedAt: row.ended_at ? new Date(row.ended_at) : null } : undefined;
}

/** How the catalogue describes a centre column now: its semantic type and level. */
export interface CataloguedColumn {
  semanticType: string | null;
  sensitivity: string;
}

/**
 * Every catalogued centre table with its columns as the catalogue describes them: each version's own
 * table (`raw.people_v2` in versioned mode) with that version's columns, and the dataset's table with
 * its current version's.
 */
export async function cataloguedCentreTables(db: Knex): Promise<Map<string, Map<string, CataloguedColumn>>> {
  const tables = new Map<string, Map<string, CataloguedColumn>>();
  const versions = await db('dataops.catalogue_versions as v')
    .join('dataops.catalogue_resources as r', 'r.id', 'v.resource_id')
    .orderBy([{ column: 'v.resource_id' }, { column: 'v.version' }])
    .select('v.resource_id', 'v.version', 'v.table_ref', 'r.table_ref as resource_table', 'r.current_version');
  const columns = await db('dataops.catalogue_columns').select('resource_id', 'version', 'name', 'semantic_type', 'sensitivity');
  const byVersion = new Map<string, Map<string, CataloguedColumn>>();
  for (const c of columns) {
    const key = `${c.resource_id}/${c.version}`;
    if (!byVersion.has(key)) byVersion.set(key, new Map());
    byVersion.get(key)!.set(c.name, { semanticType: c.semantic_type, sensitivity: c.sensitivity });
  }
  const of = (resourceId: number, version: number) => byVersion.get(`${resourceId}/${version}`) ?? new Map<string, CataloguedColumn>();
  // Later versions of a table replaced in place overwrite earlier ones; the current version has the last word.
  for (const v of versions) tables.set(v.table_ref, of(v.resource_id, v.version));
  for (const v of versions) if (v.version === v.current_version) tables.set(v.resource_table, of(v.resource_id, v.version));
  return tables;
}
