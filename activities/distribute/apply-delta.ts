import type pg from 'pg';
import { copyOut } from '../../connectors/postgres/copy-out.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { TargetRef, TargetTables } from '../../connectors/target-tables.ts';
import type { ReconciliationReport } from '../../governance/reconciliation.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';
import { describeDifferences, reconcileDistribution } from './reconcile-distribution.ts';
import { messageKey } from '../../governance/masking/display.ts';
import { ReconciliationError } from './reconciliation-error.ts';

/**
 * Copies the rows an incremental run staged in the centre into a table of the target, inside the
 * target's open transaction; `liveOnly` leaves out the rows flagged deleted (staged as boolean or 0/1).
 */
async function loadStagedRows(centre: pg.ClientBase, state: DistributeCheckpoint, tables: TargetTables, into: TargetRef, liveOnly = false): Promise<void> {
  const names = state.targetColumns.map((c) => c.name);
  const live = liveOnly && state.deletedFlag ? ` WHERE coalesce(${quoteIdent(state.deletedFlag)}::int, 0) = 0` : '';
  await copyOut(centre, `SELECT ${names.map(quoteIdent).join(', ')} FROM ${quoteTable(state.stagingTable)}${live}`, (rows) => tables.write(into, names, rows));
  await tables.endStream();
}

export interface DeltaOutcome {
  upserted: number;
  deleted: number;
  /** Rows the target holds after the commit. */
  rows: number;
  report: ReconciliationReport & { columns: string[] };
  /** Rows the centre changed after this run's window: the next run sends them. */
  pending: number;
  /** Rows the centre no longer has that stay in the target, because deletes are not propagated (this run). */
  kept: number;
}

export interface DeltaOptions {
  /** Compare the target's keys with the centre's and delete the missing, refusing more than this share. */
  compareKeys?: { maxDeleteFraction: number };
}

/** Keys compared row by row at most: enough to tell a few pending changes from a copy gone wrong. */
const MAX_KEYS = 1_000;

/**
 * Publishes an incremental run: a fresh one (every row sent) loads a shadow table and swaps it in, as
 * a full distribution does; any other applies the changes in one target transaction. Either way the
 * result is reconciled with the centre table before it becomes visible.
 */
export async function applyIncremental(centre: pg.ClientBase, tables: TargetTables, state: DistributeCheckpoint, options: DeltaOptions): Promise<DeltaOutcome> {
  return state.fresh ? loadFresh(centre, tables, state) : applyDelta(centre, tables, state, options);
}

/** Every row into a new shadow table (a leftover of an earlier attempt is replaced), reconciled, then swapped in. */
async function loadFresh(centre: pg.ClientBase, tables: TargetTables, state: DistributeCheckpoint): Promise<DeltaOutcome> {
  await tables.create(state.shadow, state.targetColumns, state.key);
  await tables.begin();
  let outcome: DeltaOutcome;
  try {
    await loadStagedRows(centre, state, tables, state.shadow, true);
    const rows = await tables.count(state.shadow);
    const { report, pending } = await reconcileExplained(centre, tables, state, state.shadow, true);
    await tables.commit();
    outcome = { upserted: rows, deleted: 0, rows, report, pending, kept: 0 };
  } catch (error) {
    await tables.rollback();
    await tables.drop(state.shadow).catch(() => undefined);
    throw error;
  }
  await tables.swap(state.shadow, state.target);
  return outcome;
}

/**
 * An incremental run's changes applied in one target transaction: the staged rows upserted by key
 * (flagged rows deleted), keys gone from the centre deleted when asked, and the result reconciled
 * with the centre table before the commit, so the target holds the old state or the new one.
 */
async function applyDelta(centre: pg.ClientBase, tables: TargetTables, state: DistributeCheckpoint, options: DeltaOptions): Promise<DeltaOutcome> {
  const names = state.targetColumns.map((c) => c.name);
  await tables.begin();
  try {
    const delta = await tables.createTemp('dataops_delta', state.target, names, state.key);
    await loadStagedRows(centre, state, tables, delta);
    const { upserted, deleted } = await tables.upsert(delta, state.target, names, state.key, state.deletedFlag);
    let gone = 0;
    if (options.compareKeys) {
      const keys = await tables.createTemp('dataops_keys', state.target, [state.key], state.key);
      await copyOut(centre, `SELECT ${quoteIdent(state.key)} FROM ${quoteTable(state.sourceTable)}`, (rows) => tables.write(keys, [state.key], rows));
      await tables.endStream();
      gone = await tables.deleteMissing(state.target, keys, state.key);
      const before = (await tables.count(state.target)) + gone;
      if (gone > options.compareKeys.maxDeleteFraction * before) {
        throw new BadInputError(
          `the key comparison would delete ${gone} of the ${before} rows of ${tables.label(state.target)}, more than ` +
            `target.deletes.compareKeys.maxDeleteFraction allows (${options.compareKeys.maxDeleteFraction}); nothing was changed. ` +
            'An emptied centre table is likelier than so many deletes; if they are real, raise maxDeleteFraction and run again.',
        );
      }
    }
    const { report, pending, kept } = await reconcileExplained(centre, tables, state, state.target, Boolean(options.compareKeys));
    const rows = await tables.count(state.target);
    await tables.commit();
    return { upserted, deleted: deleted + gone, rows, report, pending, kept };
  } catch (error) {
    await tables.rollback();
    throw error;
  }
}

/**
 * Reconciles `ref` with the centre table, failing the run on any difference it does not explain: a
 * row the centre changed after this run's window is pending (the next run sends it), a row deleted in
 * the centre stays when deletes were not compared this run. Anything else names its keys.
 */
async function reconcileExplained(
  centre: pg.ClientBase,
  tables: TargetTables,
  state: DistributeCheckpoint,
  ref: TargetRef,
  keysCompared: boolean,
): Promise<{ report: DeltaOutcome['report']; pending: number; kept: number }> {
  const report = await reconcileDistribution(centre, tables, state, ref, MAX_KEYS);
  const explained = await explainDifferences(centre, state, report, keysCompared);
  // Past MAX_KEYS the keys not looked at could hold anything.
  if (explained.unexplained.length || report.keys.length >= MAX_KEYS) {
    throw new ReconciliationError(
      `${tables.label(ref)} would not match ${state.sourceTable}: ${describeDifferences({ ...report, keys: explained.unexplained.slice(0, 20) }, messageKey(state.keyLevel))}; ` +
        'nothing was changed (a row changed in the department copy is overwritten by a full distribution: target.mode: full)',
    );
  }
  return { report, pending: explained.pending, kept: explained.kept };
}

/**
 * Sorts the keys reconciliation found: a centre row after the watermark this run leaves is pending
 * (the next run sends it); a key only the target has is kept when deletes were not compared; the
 * rest are real differences.
 */
async function explainDifferences(
  centre: pg.ClientBase,
  state: DistributeCheckpoint,
  report: ReconciliationReport,
  keysCompared: boolean,
): Promise<{ pending: number; kept: number; unexplained: ReconciliationReport['keys'] }> {
  if (!report.keys.length) return { pending: 0, kept: 0, unexplained: [] };
  const leftAt = state.position?.lastCursor != null ? { cursor: state.position.lastCursor, key: state.position.lastKey! } : state.syncedFrom;
  const inCentre = report.keys.filter((k) => k.problem !== 'not in source').map((k) => k.key);
  let later = new Set<string>();
  if (leftAt && inCentre.length && state.cursorColumn) {
    const key = quoteIdent(state.key);
    // Each parameter takes the type of the column it is compared with.
    const { rows } = await centre.query<{ k: string }>(
      `SELECT ${key}::text AS k FROM ${quoteTable(state.sourceTable)}
        WHERE ${key}::text = ANY($1::text[]) AND (${quoteIdent(state.cursorColumn)}, ${key}) > ($2, $3)`,
      [inCentre, leftAt.cursor, leftAt.key],
    );
    later = new Set(rows.map((r) => r.k));
  }
  let pending = 0;
  let kept = 0;
  const unexplained: ReconciliationReport['keys'] = [];
  for (const k of report.keys) {
    if (k.problem === 'not in source' && !keysCompared) kept++;
    else if (k.problem !== 'not in source' && later.has(k.key)) pending++;
    else unexplained.push(k);
  }
  return { pending, kept, unexplained };
}
