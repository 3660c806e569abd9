import { listWatermarks, resetWatermark } from '../../catalogue/watermarks.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatTable } from '../format-table.ts';

/** Where each incremental sync stands: the (cursor, key) of the last row its last published run read. */
export function watermarksListCommand(options: { json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const rows = await listWatermarks(db);
    if (options.json) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (!rows.length) {
      console.log('no incremental syncs have published yet');
      return 0;
    }
    console.log(
      formatTable(
        ['dataset', 'cursor', 'last cursor', 'key', 'last key', 'run', 'updated'],
        rows.map((w) => [w.dataset, w.cursorColumn, w.cursor, w.keyColumn, w.key, w.runId, w.updatedAt.toISOString().slice(0, 19).replace('T', ' ')]),
      ),
    );
    return 0;
  });
}

/** Forgets a dataset's watermark, so its next sync reads (and merges) the whole source again. */
export function watermarksResetCommand(dataset: string): Promise<number> {
  return withCentreDb(async (db) => {
    if (!(await resetWatermark(db, dataset))) {
      console.error(`dataset "${dataset}" has no watermark (see: dataops watermarks)`);
      return 1;
    }
    console.log(`reset the watermark of ${dataset}: its next sync reads the whole source and merges it`);
    return 0;
  });
}
