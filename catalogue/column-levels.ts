import type { Knex } from 'knex';
import { CENTRE_CONNECTION } from '../config/connections.ts';
import { levelRank } from '../governance/masking/policy.ts';

/** A column's type and level as the catalogue describes it. */
export interface ColumnLevel {
  semanticType: string | null;
  sensitivity: string;
}

async function columnsOfVersion(db: Knex, where: { runId: string } | { dataset: string } | { tableRef: string }): Promise<Map<string, ColumnLevel>> {
  const query = db('dataops.catalogue_columns as c').select('c.name', 'c.semantic_type', 'c.sensitivity');
  if ('runId' in where)
    query.join('dataops.catalogue_versions as v', (j) => j.on('v.resource_id', 'c.resource_id').andOn('v.version', 'c.version')).where('v.run_id', where.runId);
  else {
    query.join('dataops.catalogue_resources as r', (j) => j.on('r.id', 'c.resource_id').andOn('r.current_version', 'c.version'));
    if ('dataset' in where) query.where('r.dataset', where.dataset);
    else query.where('r.table_ref', where.tableRef);
  }
  const rows = await query;
  return new Map(rows.map((r) => [r.name as string, { semanticType: (r.semantic_type as string | null) ?? null, sensitivity: r.sensitivity as string }]));
}

function addHigher(into: Map<string, ColumnLevel>, from: Map<string, ColumnLevel>): void {
  for (const [name, level] of from) {
    const known = into.get(name);
    if (!known || levelRank(level.sensitivity) > levelRank(known.sensitivity)) into.set(name, level);
  }
}

/**
 * How the catalogue describes the columns of a run's records (its quarantine holds them as the
 * source had them): the version the run published and its dataset's current version, together with
 * the catalogued centre table the run read, if it read one (a first run still staging has no version
 * of its own yet). Where two describe a column, the higher level counts.
 */
export async function columnLevelsOfRun(db: Knex, runId: string): Promise<Map<string, ColumnLevel>> {
  const run = await db('dataops.runs').where({ run_id: runId }).first('dataset', 'spec');
  const levels = await columnsOfVersion(db, { runId });
  // The dataset's current version too: a column classified higher since this run still counts as higher.
  if (run) addHigher(levels, await columnsOfVersion(db, { dataset: run.dataset as string }));
  const source = (run?.spec as { source?: { type?: string; connection?: string; table?: string } } | null)?.source;
  if (source?.type === 'table' && source.connection === CENTRE_CONNECTION && source.table) {
    const table = source.table.includes('.') ? source.table : `public.${source.table}`;
    addHigher(levels, await columnsOfVersion(db, { tableRef: table }));
  }
  return levels;
}

/** How the catalogue describes a centre table's columns now (its dataset's current version), e.g. an entity table's. */
export async function columnLevelsOfTable(db: Knex, tableRef: string): Promise<Map<string, ColumnLevel>> {
  return columnsOfVersion(db, { tableRef: tableRef.includes('.') ? tableRef : `public.${tableRef}` });
}
