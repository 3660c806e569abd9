import { forgetCollectedFiles, listCollectedFiles, type CollectedFileRow } from '../../catalogue/collected-files.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatCount, formatTable } from '../format-table.ts';

export function collectedFilesTable(files: CollectedFileRow[]): string {
  return formatTable(
    ['file', 'size', 'rows', 'sha256', 'run', 'collected'],
    files.map((f) => [
      f.name,
      formatCount(f.size),
      formatCount(f.rows),
      f.sha256 ? f.sha256.slice(0, 12) : '',
      f.runId,
      f.collectedAt.toISOString().slice(0, 19).replace('T', ' '),
    ]),
  );
}

/** The files the runs of a dataset took. */
export function filesListCommand(dataset: string, options: { limit: string; json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1) {
      console.error(`--limit must be a positive whole number, not "${options.limit}"`);
      return 2;
    }
    const files = await listCollectedFiles(db, { dataset, limit });
    if (options.json) {
      console.log(JSON.stringify(files, null, 2));
      return 0;
    }
    if (!files.length) {
      console.log(`no run of ${dataset} has taken files yet`);
      return 0;
    }
    console.log(collectedFilesTable(files));
    return 0;
  });
}

/** Forgets files a dataset took: its next sync takes them again. */
export function filesForgetCommand(dataset: string, names: string[]): Promise<number> {
  return withCentreDb(async (db) => {
    const forgotten = await forgetCollectedFiles(db, dataset, names);
    if (!forgotten) {
      console.error(`${dataset} has taken none of these files (see: dataops files ${dataset})`);
      return 1;
    }
    console.log(`forgot ${forgotten} record(s) of files ${dataset} took: its next sync takes them again`);
    return 0;
  });
}
