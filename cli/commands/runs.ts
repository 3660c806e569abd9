import { withCentreDb } from '../centre-db.ts';
import { listRuns } from '../../catalogue/runs.ts';
import { formatCount, formatPercent, formatTable } from '../format-table.ts';

export interface RunsOptions {
  job?: string;
  dataset?: string;
  department?: string;
  status?: string;
  limit: number;
  json?: boolean;
}

function duration(start: Date, end: Date | null): string {
  if (!end) return '';
  const s = (end.getTime() - start.getTime()) / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

/** Run history from the metrics schema, newest first. */
export function runsCommand(options: RunsOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const rows = await listRuns(db, options);
    if (options.json) {
      console.log(
        JSON.stringify(
          rows.map(({ spec: _spec, ...rest }) => rest),
          null,
          2,
        ),
      );
      return 0;
    }
    if (!rows.length) {
      console.log('no runs match');
      return 0;
    }
    console.log(
      formatTable(
        ['started', 'run', 'status', 'department', 'records in', 'out', 'rejected', 'accuracy', 'took'],
        rows.map((r) => [
          r.started_at.toISOString().slice(0, 19).replace('T', ' '),
          r.run_id,
          r.status,
          r.department,
          r.records_in === null ? null : formatCount(r.records_in),
          r.records_out === null ? null : formatCount(r.records_out),
          r.records_rejected === null ? null : formatCount(r.records_rejected),
          formatPercent(r.accuracy),
          duration(r.started_at, r.ended_at),
        ]),
      ),
    );
    const failed = rows.filter((r) => r.status === 'failed' && r.error);
    for (const r of failed.slice(0, 5)) console.log(`\n${r.run_id}: ${r.error}`);
    return 0;
  });
}
