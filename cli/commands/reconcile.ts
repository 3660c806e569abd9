import { loadConfig } from '../../config/load-config.ts';
import { lastDistribution } from '../../catalogue/distributions.ts';
import { openTarget } from '../../activities/distribute/open-target.ts';
import { describeDifferences, reconcileDistribution, withReconcileSession } from '../../activities/distribute/reconcile-distribution.ts';
import { messageKey } from '../../governance/masking/display.ts';
import type { DistributeCheckpoint } from '../../activities/distribute/distribute-checkpoint.ts';
import { withCentreDb } from '../centre-db.ts';

/** Compares a department's copy with the centre table it was distributed from, as after every run. Exit 1 when they differ. */
export function reconcileCommand(dataset: string, connection: string, options: { json?: boolean }): Promise<number> {
  return withCentreDb(async (db, databaseUrl) => {
    const last = await lastDistribution<DistributeCheckpoint>(db, dataset, connection);
    if (!last) {
      console.error(`no published distribution of ${dataset} to connection "${connection}" (see: dataops runs --dataset ${dataset})`);
      return 1;
    }
    const { state } = last;
    const config = loadConfig();
    const tables = await openTarget(config, connection);
    try {
      const found = await withReconcileSession(databaseUrl, (centre) => reconcileDistribution(centre, tables, state, state.target));
      // The CLI shows no personal data: keys of an L3/L4 key column, or that validate as IDs or mobiles, are masked.
      const showKey = messageKey(state.keyLevel);
      const report = { ...found, keys: found.keys.map((k) => ({ ...k, key: showKey(k.key) })) };
      const ok = report.keys.length === 0 && report.differingRanges === 0 && report.sourceRows === report.targetRows;
      if (options.json)
        console.log(JSON.stringify({ dataset, connection, run: last.runId, table: tables.label(state.target), matches: ok, ...report }, null, 2));
      else {
        console.log(`${state.sourceTable} → ${connection}:${tables.label(state.target)} (distributed by ${last.runId})`);
        console.log(`  ${ok ? 'matches' : 'DIFFERS'}: ${describeDifferences(report)}; compared ${report.columns.length} columns (masked ones left out)`);
      }
      return ok ? 0 : 1;
    } finally {
      await tables.close();
    }
  });
}
