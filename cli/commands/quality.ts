import { withCentreDb } from '../centre-db.ts';
import { indicatorsOfRun, succeededRuns, tableIndicatorsOfRuns } from '../../catalogue/indicators.ts';
import { formatPercent, formatTable } from '../format-table.ts';

const TARGET_ACCURACY = 0.9;

/** Indicators of a dataset's newest successful run, then the trend of the table-level figures. */
export function qualityCommand(dataset: string, options: { runs: number; columns?: boolean; json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const runs = await succeededRuns(db, dataset, options.runs);
    if (!runs.length) {
      console.error(`no successful run of dataset "${dataset}" (see: dataops runs --dataset ${dataset})`);
      return 1;
    }
    const latest = runs[0]!;
    const indicators = await indicatorsOfRun(db, latest.run_id);
    const tableLevel = indicators.filter((i) => i.column_name === '');
    const trend = await tableIndicatorsOfRuns(
      db,
      runs.map((r) => r.run_id),
    );
    if (options.json) {
      console.log(JSON.stringify({ dataset, latest: latest.run_id, indicators, trend }, null, 2));
      return 0;
    }
    console.log(`${dataset}: run ${latest.run_id} (${new Date(latest.started_at).toISOString().slice(0, 19).replace('T', ' ')})\n`);
    console.log(
      formatTable(
        ['indicator', 'A', 'B', 'X = A/B'],
        tableLevel.map((i) => [i.indicator, Number(i.a), Number(i.b), formatPercent(i.value)]),
      ),
    );
    const accuracy = latest.accuracy === null ? null : Number(latest.accuracy);
    if (accuracy !== null)
      console.log(`\naccuracy ${formatPercent(accuracy)} ${accuracy >= TARGET_ACCURACY ? 'meets' : 'misses'} the ${formatPercent(TARGET_ACCURACY)} target`);
    if (options.columns) {
      console.log('');
      const rows = indicators.filter((i) => i.column_name !== '');
      console.log(
        formatTable(
          ['column', 'indicator', 'A', 'B', 'X'],
          rows.map((i) => [i.column_name, i.indicator, Number(i.a), Number(i.b), formatPercent(i.value)]),
        ),
      );
    }
    const names = [...new Set(tableLevel.map((i) => i.indicator as string))];
    if (runs.length > 1) {
      console.log(`\ntrend over the last ${runs.length} runs (newest first)`);
      console.log(
        formatTable(
          ['run started', ...names],
          runs.map((r) => [
            new Date(r.started_at).toISOString().slice(0, 16).replace('T', ' '),
            ...names.map((n) => formatPercent(trend.find((t) => t.run_id === r.run_id && t.indicator === n)?.value)),
          ]),
        ),
      );
    }
    return 0;
  });
}
