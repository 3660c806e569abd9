import type pg from 'pg';
import type { Knex } from 'knex';
import { quoteIdent } from '../../connectors/postgres/quote.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { integerRanges, quantileRanges, rangeStep, splitFractions, type KeyRange } from '../../governance/key-ranges.ts';
import type { StagedState } from './batch-stager.ts';

/** Keys split by arithmetic on min and max; any other orderable key is split at quantiles. */
const INTEGER_KEY = /^(smallint|integer|bigint)$/;
/** Rows a quantile plan looks at: enough for even ranges, far fewer than a big table has. */
const SAMPLE_ROWS = 100_000;

export interface KeySplit {
  /** What the key ranges are read from: a quoted table, or `(query) AS q`. */
  from: string;
  /** The key column by the source's own name, and its type as format_type prints it. */
  key: string;
  keyType: string;
  parallelism: number;
  /** A table's planner estimate of its rows: a quantile plan over more than twice SAMPLE_ROWS samples its pages. */
  tableRows?: number;
}

/**
 * Splits a source into `parallelism` key ranges (fewer when there are fewer keys), on a session of
 * the source. Integer keys: equal spans between min and max (skewed keys give uneven ranges, never
 * wrong ones). Other keys: percentile_disc over the keys, or over a TABLESAMPLE of a big table.
 */
export async function planKeyRanges(client: pg.ClientBase, split: KeySplit): Promise<{ ranges: KeyRange[]; method: 'integer' | 'quantile' }> {
  const key = quoteIdent(split.key);
  if (split.parallelism <= 1) return { ranges: [{ lo: null, hi: null }], method: 'integer' };
  // No range holds a NULL key (an unsplit read refuses it when it meets it): refuse it before any row moves.
  const nulls = await client.query(`SELECT 1 FROM ${split.from} WHERE ${key} IS NULL LIMIT 1`);
  if (nulls.rowCount) throw new BadInputError(`key column "${split.key}" has NULL values: key ranges need a unique, non-null key`);
  if (INTEGER_KEY.test(split.keyType)) {
    const { rows } = await client.query<{ lo: string | null; hi: string | null }>(`SELECT min(${key})::text AS lo, max(${key})::text AS hi FROM ${split.from}`);
    const { lo, hi } = rows[0]!;
    return { ranges: integerRanges(lo === null ? null : BigInt(lo), hi === null ? null : BigInt(hi), split.parallelism), method: 'integer' };
  }
  const sample = split.tableRows && split.tableRows > 2 * SAMPLE_ROWS ? ` TABLESAMPLE SYSTEM (${((100 * SAMPLE_ROWS) / split.tableRows).toFixed(4)})` : '';
  const { rows } = await client.query<{ smallest: string | null; cuts: (string | null)[] | null }>(
    `SELECT min(k)::text AS smallest, (percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY k))::text[] AS cuts
       FROM (SELECT ${key} AS k FROM ${split.from}${sample} WHERE ${key} IS NOT NULL) s`,
    [splitFractions(split.parallelism)],
  );
  return { ranges: quantileRanges(rows[0]?.cuts ?? [], rows[0]?.smallest ?? null), method: 'quantile' };
}

/** The one plan of a run's step split into ranges, kept with its checkpoints (bounds are data: not in workflow history). */
export interface RangePlan {
  ranges: KeyRange[];
  method: 'integer' | 'quantile';
  /** The key by the name the staged rows have. */
  stagedKey: string;
  /** The table every range writes into, when they share one (dropped with the run's staging if it fails). */
  stagingTable?: string;
}

export const rangePlanStep = (step: string) => `${step}#ranges`;

/**
 * Keeps the first plan recorded for the run's step and returns it with whether this call recorded it:
 * a retried planner gets the plan the ranges already use, whatever the source looks like now. Call it
 * inside the transaction that prepares what the ranges share, and prepare only when `recorded`.
 */
export async function recordRangePlan(client: pg.ClientBase, runId: string, step: string, plan: RangePlan): Promise<{ plan: RangePlan; recorded: boolean }> {
  const inserted = await client.query(
    `INSERT INTO dataops.checkpoints (run_id, step, status, state, updated_at) VALUES ($1, $2, 'staged', $3, now()) ON CONFLICT (run_id, step) DO NOTHING`,
    [runId, rangePlanStep(step), JSON.stringify(plan)],
  );
  if (inserted.rowCount) return { plan, recorded: true };
  return { plan: (await readRangePlan(client, runId, step))!, recorded: false };
}

export async function readRangePlan(client: pg.ClientBase, runId: string, step: string): Promise<RangePlan | undefined> {
  const { rows } = await client.query<{ state: RangePlan }>('SELECT state FROM dataops.checkpoints WHERE run_id = $1 AND step = $2', [
    runId,
    rangePlanStep(step),
  ]);
  return rows[0]?.state;
}

/** The shared counts of all ranges' final checkpoints, read in key order (the last range's position ends the read). */
export function combineStagedStates<S extends StagedState>(states: readonly S[]): StagedState {
  return {
    position: states.at(-1)?.position ?? null,
    rows: states.reduce((n, s) => n + s.rows, 0),
    bytes: states.reduce((n, s) => n + s.bytes, 0),
    batches: states.reduce((n, s) => n + s.batches, 0),
    columns: states[0]!.columns,
    stagingTable: states[0]!.stagingTable,
    stagedAttempt: Math.max(...states.map((s) => s.stagedAttempt ?? 1)),
  };
}

/**
 * Writes the step's one checkpoint, status staged, from its ranges' (`step#0` ..), once all of them
 * are staged, so publishing reads a single state as it does for an unsplit step. Idempotent: once
 * written, later calls return it unchanged.
 */
export async function combineRangeCheckpoints<S extends StagedState>(
  db: Knex,
  runId: string,
  step: string,
  count: number,
  combine: (states: S[]) => S,
): Promise<S> {
  return db.transaction(async (trx) => {
    const done = await trx('dataops.checkpoints').where({ run_id: runId, step }).first('state');
    if (done) return done.state as S;
    const steps = Array.from({ length: count }, (_, i) => rangeStep(step, i));
    const rows = (await trx('dataops.checkpoints').where({ run_id: runId }).whereIn('step', steps).forUpdate().select('step', 'status', 'state')) as {
      step: string;
      status: string;
      state: S;
    }[];
    const byStep = new Map(rows.map((r) => [r.step, r]));
    const unfinished = steps.filter((s) => byStep.get(s)?.status !== 'staged');
    if (unfinished.length) throw new Error(`run ${runId}: ranges ${unfinished.join(', ')} are not fully staged`);
    const combined = combine(steps.map((s) => byStep.get(s)!.state));
    await trx('dataops.checkpoints').insert({ run_id: runId, step, status: 'staged', state: JSON.stringify(combined), updated_at: trx.fn.now() });
    return combined;
  });
}
