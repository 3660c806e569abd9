import type { Knex } from 'knex';

export interface CollectedFile {
  name: string;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  rows: number;
}

export interface CollectedFileRow extends CollectedFile {
  dataset: string;
  runId: string;
  position: number;
  collectedAt: Date;
}

/** What earlier runs of the dataset took under these names. */
export async function collectedVersions(db: Knex, dataset: string, names: string[]): Promise<Map<string, (CollectedFile & { runId: string })[]>> {
  const byName = new Map<string, (CollectedFile & { runId: string })[]>();
  if (!names.length) return byName;
  const rows = await db('dataops.collected_files').where({ dataset }).whereIn('name', names);
  for (const row of rows) {
    const versions = byName.get(row.name) ?? [];
    versions.push(fromRow(row));
    byName.set(row.name, versions);
  }
  return byName;
}

export async function hasCollectedFiles(db: Knex, dataset: string): Promise<boolean> {
  return Boolean(await db('dataops.collected_files').where({ dataset }).first('id'));
}

/** Records the files a run published; called in the transaction that publishes their rows. */
export async function recordCollectedFiles(trx: Knex.Transaction, dataset: string, runId: string, files: CollectedFile[]): Promise<void> {
  if (!files.length) return;
  const rows = files.map((f, position) => ({
    dataset,
    run_id: runId,
    name: f.name,
    size: f.size,
    mtime_ms: f.mtimeMs,
    sha256: f.sha256,
    rows: f.rows,
    position,
  }));
  for (let i = 0; i < rows.length; i += 1000) await trx('dataops.collected_files').insert(rows.slice(i, i + 1000));
}

/** The files runs took, newest run first, in the order each run read them. */
export async function listCollectedFiles(db: Knex, filter: { dataset?: string; runId?: string; limit?: number }): Promise<CollectedFileRow[]> {
  const query = db('dataops.collected_files').orderBy([
    { column: 'collected_at', order: 'desc' },
    { column: 'run_id', order: 'desc' },
    { column: 'position', order: 'asc' },
  ]);
  if (filter.dataset) query.where({ dataset: filter.dataset });
  if (filter.runId) query.where({ run_id: filter.runId });
  const rows = await query.limit(filter.limit ?? 1000);
  return rows.map((row) => ({ ...fromRow(row), dataset: row.dataset, position: row.position, collectedAt: row.collected_at }));
}

function fromRow(row: Record<string, unknown>): CollectedFile & { runId: string } {
  return {
    name: row.name as string,
    size: Number(row.size),
    mtimeMs: Number(row.mtime_ms),
    sha256: (row.sha256 as string | null) ?? null,
    rows: Number(row.rows),
    runId: row.run_id as string,
  };
}

/** Forgets that a dataset took these files, so its next sync takes them again; returns how many records went. */
export async function forgetCollectedFiles(db: Knex, dataset: string, names: string[]): Promise<number> {
  return db('dataops.collected_files').where({ dataset }).whereIn('name', names).delete();
}
