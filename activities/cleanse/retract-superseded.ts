import type pg from 'pg';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { Field } from '../../connectors/source-chunk.ts';
import { FLAGS_COLUMN, ORIGINAL_COLUMN, REF_COLUMN } from './cleanse-plan.ts';
import type { QuarantineBuffer } from './quarantine-buffer.ts';

const SUPERSEDED = { zh: '重复记录（已被更新的记录取代）', en: 'duplicate record, superseded by a later one' };

export interface Retraction {
  stagingTable: string;
  names: readonly string[];
  /** Whether staging keeps normalised rows' source values (ORIGINAL_COLUMN). */
  keepsOriginals: boolean;
  dedupColumns: string;
  sourceRef: (values: readonly Field[], ref: number) => string;
}

/**
 * Under latest-wins survivorship a later row beat rows already staged: they leave staging for the
 * quarantine, recorded as the source had them, inside the batch's transaction. Returns how many of
 * them had been counted clean and flagged.
 */
export async function retractSuperseded(
  client: pg.Client,
  r: Retraction,
  winners: ReadonlyMap<number, number>,
  quarantine: QuarantineBuffer,
): Promise<{ clean: number; flagged: number }> {
  const retracted = { clean: 0, flagged: 0 };
  if (!winners.size) return retracted;
  const own = r.keepsOriginals ? [ORIGINAL_COLUMN] : [];
  const returning = [...r.names, REF_COLUMN, FLAGS_COLUMN, ...own].map((n) => `${quoteIdent(n)}::text AS ${quoteIdent(n)}`).join(', ');
  const gone = await client.query(`DELETE FROM ${quoteTable(r.stagingTable)} WHERE ${REF_COLUMN} = ANY($1::bigint[]) RETURNING ${returning}`, [
    [...winners.keys()],
  ]);
  for (const row of gone.rows as Record<string, string | null>[]) {
    // The quarantine holds the record as the source had it, before any normaliser.
    const original = row[ORIGINAL_COLUMN];
    const values = original ? (JSON.parse(original) as Field[]) : r.names.map((n) => row[n] ?? null);
    const ref = Number(row[REF_COLUMN]);
    quarantine.add(r.sourceRef(values, ref), 'deep.duplicate', r.dedupColumns, SUPERSEDED, values, ref, winners.get(ref));
    quarantine.countRecord();
    if (row[FLAGS_COLUMN]) retracted.flagged++;
    else retracted.clean++;
  }
  return retracted;
}
