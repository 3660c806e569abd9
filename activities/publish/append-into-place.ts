import type { Knex } from 'knex';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { splitTableRef, type TableRef } from '../../schemas/identifiers.ts';
import { alignColumns, columnTypes, type SchemaPolicy } from './align-columns.ts';
import type { MergeOutcome } from './merge-into-place.ts';
import { relationKind, swapIntoPlace } from './swap-into-place.ts';

/**
 * Adds the staged rows to the published table inside the caller's transaction (the first run moves
 * the staged table into place). Staged columns that differ from the published ones are refused or
 * evolve the table, as `policy` says.
 */
export async function appendIntoPlace(
  trx: Knex.Transaction,
  stagingTable: string,
  targetRef: TableRef,
  defaultSchema: string,
  policy: SchemaPolicy,
  /** The published table's rows before, as catalogued (undefined: counted after). */
  rowsBefore: number | undefined,
): Promise<MergeOutcome> {
  const { schema, table } = splitTableRef(targetRef, defaultSchema);
  const target = quoteTable({ schema, table });
  const kind = await relationKind(trx, schema, table);
  if (kind === undefined) {
    const placed = await swapIntoPlace(trx, stagingTable, targetRef, defaultSchema, 'replace', 1);
    const rows = Number((await trx.raw(`SELECT count(*) AS n FROM ${target}`)).rows[0].n);
    return { target: placed, upserted: rows, deleted: 0, rows, columns: await columnTypes(trx, target), changes: [] };
  }
  if (kind !== 'r') throw new BadInputError(`target ${schema}.${table} is not a table (a view of a versioned dataset?); append needs a table`);
  const aligned = await alignColumns(trx, quoteTable(stagingTable), { schema, table }, policy);
  const columns = [...aligned.staged.keys()].map(quoteIdent).join(', ');
  const inserted = await trx.raw(`INSERT INTO ${target} (${columns}) SELECT ${columns} FROM ${quoteTable(stagingTable)}`);
  await trx.raw(`DROP TABLE ${quoteTable(stagingTable)}`);
  const added = inserted.rowCount ?? 0;
  const rows = rowsBefore === undefined ? Number((await trx.raw(`SELECT count(*) AS n FROM ${target}`)).rows[0].n) : rowsBefore + added;
  return { target: { schema, table, physical: table }, upserted: added, deleted: 0, rows, columns: aligned.published, changes: aligned.changes };
}
