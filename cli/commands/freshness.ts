import { datasetFreshness } from '../../catalogue/freshness.ts';
import { loadConfig } from '../../config/load-config.ts';
import { connectClient } from '../../temporal/client.ts';
import { describeSchedule } from '../../client/schedules.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatTable } from '../format-table.ts';

/**
 * Datasets whose last successful run is older than their update frequency allows, and schedules that
 * missed runs (the server was down longer than their catch-up window) or skipped them (a run overlapped).
 * Exit 1 when anything is stale, so a monitor can call it.
 */
export function freshnessCommand(options: { all?: boolean; json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const datasets = await datasetFreshness(db);
    const schedules: { id: string; missed: number; skipped: number; paused: boolean }[] = [];
    let temporal = 'ok';
    try {
      const client = await connectClient(loadConfig());
      try {
        for await (const summary of client.schedule.list()) {
          const d = await describeSchedule(client, summary.scheduleId);
          if (d)
            schedules.push({
              id: d.scheduleId,
              missed: d.info.numActionsMissedCatchupWindow,
              skipped: d.info.numActionsSkippedOverlap,
              paused: d.state.paused,
            });
        }
      } finally {
        await client.connection.close();
      }
    } catch (error) {
      temporal = (error as Error).message;
    }
    const stale = datasets.filter((d) => d.stale);
    const troubled = schedules.filter((s) => s.missed || s.skipped || s.paused);
    if (options.json) {
      console.log(JSON.stringify({ datasets: options.all ? datasets : stale, schedules: options.all ? schedules : troubled, temporal }, null, 2));
      return stale.length ? 1 : 0;
    }
    const shown = options.all ? datasets : stale;
    console.log(
      stale.length ? `${stale.length} of ${datasets.length} datasets are overdue` : `all ${datasets.length} datasets are fresh for their update frequency`,
    );
    if (shown.length) {
      console.log(
        formatTable(
          ['dataset', 'department', 'frequency', 'last success', 'state'],
          shown.map((d) => [
            d.dataset,
            d.department,
            d.updateFrequency,
            d.lastSucceeded?.toISOString().slice(0, 16).replace('T', ' ') ?? 'never',
            d.stale ? 'OVERDUE' : 'fresh',
          ]),
        ),
      );
    }
    if (temporal !== 'ok') console.log(`\nschedules not checked: ${temporal}`);
    else if (troubled.length) {
      console.log('\nschedules that missed, skipped or are paused:');
      console.log(
        formatTable(
          ['schedule', 'missed', 'skipped', 'paused'],
          troubled.map((s) => [s.id, s.missed, s.skipped, s.paused ? 'yes' : '']),
        ),
      );
    }
    return stale.length ? 1 : 0;
  });
}
