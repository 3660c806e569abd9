import type { Knex } from 'knex';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { splitTableRef, type TableRef } from '../../schemas/identifiers.ts';
import { relationKind, swapIntoPlace } from './swap-into-place.ts';
import { alignColumns, columnTypes, type SchemaPolicy } from './align-columns.ts';

export interface MergeOutcome {
  target: { schema: string; table: string; physical: string };
  /** Rows inserted or updated, and rows the source marked deleted and the merge removed. */
  upserted: number;
  deleted: number;
  /** Rows in the published table afterwards. */
  rows: number;
  /** The published table's columns and types afterwards. */
  columns: Map<string, string>;
  /** Columns the rows added to the published table or widened in it (evolving schemas). */
  changes: string[];
}

/** A unique index exactly on the key columns, so ON CONFLICT can use it; created if the table has none. */
async function ensureKeyIndex(trx: Knex.Transaction, table: string, key: readonly string[]): Promise<void> {
  const existing = await trx.raw<{ rows: { columns: string[] }[] }>(
    // ::text[]: pg hands text arrays back as arrays (a name[] would arrive as one string).
    `SELECT array_agg(a.attname::text ORDER BY k.ord) AS columns FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = ?::regclass AND i.indisunique AND i.indpred IS NULL GROUP BY i.indexrelid`,
    [table],
  );
  const wanted = [...key].sort().join(',');
  if (existing.rows.some((r) => [...r.columns].sort().join(',') === wanted)) return;
  try {
    await trx.raw(`CREATE UNIQUE INDEX ON ${table} (${key.map(quoteIdent).join(', ')})`);
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new BadInputError(`cannot merge into ${table} by (${key.join(', ')}): the table already holds rows that repeat that key`);
    throw error;
  }
}

/**
 * Merges a staged table of changed rows into the published table by key, inside the caller's
 * transaction: rows the source marks deleted leave it, the others are inserted or updated. The first
 * merge (no published table yet) moves the staged table into place and indexes its key. Staged
 * columns that differ from the published ones are refused or evolve the table, as `policy` says.
 */
export async function mergeIntoPlace(
  trx: Knex.Transaction,
  stagingTable: string,
  targetRef: TableRef,
  defaultSchema: string,
  key: readonly string[],
  deletedColumn: string | undefined,
  policy: SchemaPolicy,
  /** The published table's rows before this merge, as catalogued (undefined: counted after). */
  rowsBefore?: number,
): Promise<MergeOutcome> {
  const { schema, table } = splitTableRef(targetRef, defaultSchema);
  const target = quoteTable({ schema, table });
  const staged = await columnTypes(trx, quoteTable(stagingTable));
  for (const column of [...key, ...(deletedColumn ? [deletedColumn] : [])]) {
    if (!staged.has(column)) throw new BadInputError(`merge column "${column}" is not among the source columns (${[...staged.keys()].join(', ')})`);
  }
  const deleted = deletedColumn ? `${quoteIdent(deletedColumn)} IS TRUE` : 'false';
  const kind = await relationKind(trx, schema, table);
  if (kind === undefined) {
    const placed = await swapIntoPlace(trx, stagingTable, targetRef, defaultSchema, 'replace', 1);
    const removed = await trx.raw(`DELETE FROM ${target} WHERE ${deleted}`);
    try {
      await trx.transaction((savepoint) => ensureKeyIndex(savepoint, target, key));
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      // A key read twice (a query source's two versions of a row): keep the later one, then index.
      const keys = key.map(quoteIdent);
      await trx.raw(
        `DELETE FROM ${target} a USING ${target} b WHERE (${keys.map((k) => `a.${k}`).join(', ')}) = (${keys.map((k) => `b.${k}`).join(', ')}) AND a.ctid < b.ctid`,
      );
      await ensureKeyIndex(trx, target, key);
    }
    const rows = Number((await trx.raw(`SELECT count(*) AS n FROM ${target}`)).rows[0].n);
    return { target: placed, upserted: rows, deleted: removed.rowCount ?? 0, rows, columns: staged, changes: [] };
  }
  if (kind !== 'r') throw new BadInputError(`target ${schema}.${table} is not a table (a view of a versioned dataset?); merge needs a table`);
  const aligned = await alignColumns(trx, quoteTable(stagingTable), { schema, table }, policy);
  await ensureKeyIndex(trx, target, key);
  const keys = key.map(quoteIdent);
  const columns = [...staged.keys()].map(quoteIdent);
  const s = quoteTable(stagingTable);
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  const upsert = (from: string, prefix: string) =>
    // xmax = 0 on a row the statement inserted (not updated): with the rows before, no count(*) of the table is needed.
    `${prefix} merged AS (INSERT INTO ${target} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM ${from} WHERE NOT (${deleted})
       ON CONFLICT (${keys.join(', ')}) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'} RETURNING (xmax = 0) AS inserted)
     SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) AS total FROM merged`;
  // Usually every key appears once. When one appears twice (a query source's two versions of a row, or a
  // row changed between two attempts' reads) the later one, staged later, wins.
  const latest = `WITH latest AS (SELECT DISTINCT ON (${keys.join(', ')}) * FROM ${s} ORDER BY ${keys.join(', ')}, ctid DESC)`;
  const removed = deletedColumn
    ? await trx.raw(
        `${latest} DELETE FROM ${target} t USING latest s WHERE (${keys.map((k) => `t.${k}`).join(', ')}) = (${keys.map((k) => `s.${k}`).join(', ')}) AND s.${deleted}`,
      )
    : { rowCount: 0 };
  type Counts = { rows: { inserted: string; total: string }[] };
  let upserted: Counts;
  try {
    upserted = await trx.transaction((savepoint) => savepoint.raw<Counts>(upsert(s, 'WITH')));
  } catch (error) {
    // 21000: ON CONFLICT met one key twice in the rows it inserts.
    if ((error as { code?: string }).code !== '21000') throw error;
    upserted = await trx.raw<Counts>(upsert('latest', `${latest},`));
  }
  await trx.raw(`DROP TABLE ${s}`);
  const inserted = Number(upserted.rows[0]!.inserted);
  const gone = removed.rowCount ?? 0;
  const rows = rowsBefore === undefined ? Number((await trx.raw(`SELECT count(*) AS n FROM ${target}`)).rows[0].n) : rowsBefore + inserted - gone;
  return {
    target: { schema, table, physical: table },
    upserted: Number(upserted.rows[0]!.total),
    deleted: gone,
    rows,
    columns: aligned.published,
    changes: aligned.changes,
  };
}
