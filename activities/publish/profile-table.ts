import type { Knex } from 'knex';
import { TableProfiler, type ColumnProfile } from '../../governance/profile/column-profiler.ts';
import { quoteIdent } from '../../connectors/postgres/quote.ts';

/** Rows profiled at most: enough for stable shares and patterns, cheap next to the run itself. */
export const PROFILE_SAMPLE_ROWS = 50_000;
const PAGE_ROWS = 5_000;

/**
 * Profiles a staged table's columns for the catalogue. Small tables are read whole; larger ones through
 * a repeatable block sample of about PROFILE_SAMPLE_ROWS rows, so the cost does not grow with the table.
 * The profiles' row counts say how many rows they saw.
 */
export async function profileStagedTable(trx: Knex.Transaction, table: string, columns: readonly string[], rows: number): Promise<ColumnProfile[]> {
  if (!columns.length) return [];
  // Blocks hold rows unevenly: ask for a quarter more than needed, then cut.
  const percent = rows > PROFILE_SAMPLE_ROWS ? Math.min(100, (125 * PROFILE_SAMPLE_ROWS) / rows) : 100;
  const sampling = percent < 100 ? ` TABLESAMPLE SYSTEM (${percent.toFixed(6)}) REPEATABLE (1523)` : '';
  const select = columns.map((c, i) => `${quoteIdent(c)}::text AS c${i}`).join(', ');
  // Page through a cursor (the caller's transaction holds it): the sample never sits in memory whole.
  await trx.raw(`DECLARE dataops_profile NO SCROLL CURSOR FOR SELECT ${select} FROM ${table}${sampling} LIMIT ${PROFILE_SAMPLE_ROWS}`);
  const profiler = new TableProfiler(columns);
  const values: (string | null)[] = new Array(columns.length);
  for (;;) {
    const page = await trx.raw<{ rows: Record<string, string | null>[] }>(`FETCH ${PAGE_ROWS} FROM dataops_profile`);
    for (const row of page.rows) {
      for (let i = 0; i < columns.length; i++) values[i] = row[`c${i}`] ?? null;
      profiler.addRow(values);
    }
    if (page.rows.length < PAGE_ROWS) break;
  }
  await trx.raw('CLOSE dataops_profile');
  return profiler.results();
}

/** Makes this transaction print values as the source session printed them (dates ISO, timestamps in its zone). */
export async function printLikeSource(trx: Knex.Transaction, timeZone: string | undefined): Promise<void> {
  await trx.raw("SELECT set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '3', true)");
  if (timeZone) await trx.raw("SELECT set_config('TimeZone', ?, true)", [timeZone]);
}

/** A published table's profile, values printed as its source printed them. */
export async function profileTable(
  trx: Knex.Transaction,
  table: string,
  columns: readonly string[],
  rows: number,
  timeZone: string | undefined,
): Promise<ColumnProfile[]> {
  await printLikeSource(trx, timeZone);
  return profileStagedTable(trx, table, columns, rows);
}
