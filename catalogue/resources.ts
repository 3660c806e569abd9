import type { Knex } from 'knex';
import { BadInputError } from '../errors/bad-input.ts';
import { COUNT_COLUMNS, withNumbers, type CatalogueRow } from './numbers.ts';

/** Every catalogued dataset, by name. */
export async function listResources(db: Knex, department?: string): Promise<CatalogueRow[]> {
  const query = db('dataops.catalogue_resources').orderBy('dataset');
  if (department) query.where('department', department);
  return (await query).map((r) => withNumbers(r, COUNT_COLUMNS.catalogueResources));
}

export interface ResourceView {
  resource: CatalogueRow;
  version: CatalogueRow | undefined;
  columns: CatalogueRow[];
  versions: CatalogueRow[];
}

/** One dataset with one of its versions (default the current one), its column profiles and recent versions. */
export async function showResource(db: Knex, dataset: string, version?: number): Promise<ResourceView | undefined> {
  const resource = await db('dataops.catalogue_resources').where({ dataset }).first();
  if (!resource) return undefined;
  const wanted = version ?? resource.current_version;
  const versionRow = await db('dataops.catalogue_versions').where({ resource_id: resource.id, version: wanted }).first();
  const columns = await db('dataops.catalogue_columns').where({ resource_id: resource.id, version: wanted }).orderBy('ordinal');
  const versions = await db('dataops.catalogue_versions').where({ resource_id: resource.id }).orderBy('version', 'desc').limit(10);
  return {
    resource: withNumbers(resource, COUNT_COLUMNS.catalogueResources),
    version: versionRow && withNumbers(versionRow, COUNT_COLUMNS.catalogueVersions),
    columns: columns.map((c) => withNumbers(c, COUNT_COLUMNS.catalogueColumns)),
    versions: versions.map((v) => withNumbers(v, COUNT_COLUMNS.catalogueVersions)),
  };
}

/** The dataset that publishes into a table, if any. */
export async function tableOwner(db: Knex, tableRef: string): Promise<string | undefined> {
  const row = await db('dataops.catalogue_resources').where({ table_ref: tableRef }).first('dataset');
  return row?.dataset as string | undefined;
}

/**
 * A published table belongs to one dataset: a second dataset publishing into it would leave the first
 * one's catalogue entry describing data it did not write. Call inside the publishing transaction; the
 * advisory lock keeps two first publishes into one table from both passing the check.
 */
export async function claimTable(trx: Knex.Transaction, tableRef: string, dataset: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`dataops.table:${tableRef}`]);
  const owner = await trx('dataops.catalogue_resources').where({ table_ref: tableRef }).whereNot({ dataset }).first('dataset');
  if (owner) throw tableTakenError(tableRef, dataset, owner.dataset);
}

export function tableTakenError(tableRef: string, dataset: string, owner: string): BadInputError {
  return new BadInputError(`table ${tableRef} belongs to dataset "${owner}"; dataset "${dataset}" cannot publish into it (choose another target table)`);
}

/** The catalogue version a run published, if it published one. */
export async function publishedVersionOf(db: Knex, runId: string): Promise<{ dataset: string; version: number; table_ref: string } | undefined> {
  return db('dataops.catalogue_versions as v')
    .join('dataops.catalogue_resources as r', 'r.id', 'v.resource_id')
    .where('v.run_id', runId)
    .first('r.dataset', 'v.version', 'v.table_ref');
}

/** The dataset's catalogue row, locked for the publishing transaction (undefined before its first publish). */
export async function lockResource(trx: Knex.Transaction, dataset: string): Promise<{ id: number; current_version: number; row_count: number } | undefined> {
  const row = await trx('dataops.catalogue_resources').where({ dataset }).forUpdate().first('id', 'current_version', 'row_count');
  return row && { ...row, row_count: Number(row.row_count) };
}

/** The sensitivity a published table was catalogued with, and why. */
export async function sensitivityOfTable(db: Knex, tableRef: string): Promise<{ sensitivity: string; sensitivity_reasons: string[] } | undefined> {
  return db('dataops.catalogue_resources').where({ table_ref: tableRef }).first('sensitivity', 'sensitivity_reasons');
}
