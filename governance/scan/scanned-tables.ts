// Which tables a scan samples: user data, not the databases' own catalogues or dataops' work tables.

/** System schemas of PostgreSQL and MySQL / MariaDB. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast', 'mysql', 'performance_schema', 'sys']);

/** dataops' own bookkeeping and staging in the centre (dataops, dataops_staging, …). */
function isDataopsSchema(schema: string): boolean {
  return schema === 'dataops' || schema.startsWith('dataops_');
}

/**
 * Whether a table is sampled: not in a system schema (pg_temp_N and pg_toast_temp_N included), not a
 * shadow or staging table of a run (`<table>__dataops_<run>`, loaded beside a department's table and
 * dropped or swapped in by the run), and in the centre not in dataops' own schemas.
 */
export function isScannedTable(schema: string, table: string, options: { centre: boolean }): boolean {
  if (SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_temp_') || schema.startsWith('pg_toast_temp_')) return false;
  if (table.includes('__dataops_')) return false;
  return !(options.centre && isDataopsSchema(schema));
}
