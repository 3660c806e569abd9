import type { Knex } from 'knex';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { splitTableRef, type TableRef } from '../../schemas/identifiers.ts';

export async function relationKind(trx: Knex.Transaction, schema: string, table: string): Promise<string | undefined> {
  const result = await trx.raw<{ rows: { relkind: string }[] }>(
    'SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?',
    [schema, table],
  );
  return result.rows[0]?.relkind;
}

async function dropRelation(trx: Knex.Transaction, schema: string, table: string): Promise<void> {
  const kind = await relationKind(trx, schema, table);
  if (kind === 'v') await trx.raw(`DROP VIEW ${quoteTable({ schema: schema, table: table })}`);
  else if (kind === 'r' || kind === 'p') await trx.raw(`DROP TABLE ${quoteTable({ schema: schema, table: table })}`);
  else if (kind) throw new BadInputError(`target ${schema}.${table} exists and is neither a table nor a view; refusing to replace it`);
}

/**
 * Moves a staged table into place inside the caller's transaction. `replace` swaps the target;
 * `version` keeps `<table>_v<N>` and points the view `<table>` at it. Returns the physical table.
 */
export async function swapIntoPlace(
  trx: Knex.Transaction,
  stagingTable: string,
  target: TableRef,
  defaultSchema: string,
  mode: 'replace' | 'version',
  version: number,
): Promise<{ schema: string; table: string; physical: string }> {
  const stagingName = splitTableRef(stagingTable).table;
  const { schema, table } = splitTableRef(target, defaultSchema);
  await trx.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  let physical = table;
  if (mode === 'replace') {
    await dropRelation(trx, schema, table);
  } else {
    physical = `${table}_v${version}`;
    if (physical.length > 63) throw new BadInputError(`target ${schema}.${table}: version table name ${physical} is longer than 63 characters`);
    // A table of that name that this dataset did not publish belongs to someone else: never drop it.
    if ((await relationKind(trx, schema, physical)) !== undefined) {
      throw new BadInputError(`target ${schema}.${physical} already exists and is not this dataset's version ${version}; choose another target table`);
    }
    if ((await relationKind(trx, schema, table)) === 'r') {
      throw new BadInputError(`target ${schema}.${table} is a table from a replace-mode run; versioned mode needs the name for its view`);
    }
  }
  await trx.raw(`ALTER TABLE ${quoteTable(stagingTable)} SET SCHEMA ${quoteIdent(schema)}`);
  await trx.raw(`ALTER TABLE ${quoteTable({ schema, table: stagingName })} RENAME TO ${quoteIdent(physical)}`);
  if (mode === 'version') {
    await dropRelation(trx, schema, table);
    await trx.raw(`CREATE VIEW ${quoteTable({ schema: schema, table: table })} AS SELECT * FROM ${quoteTable({ schema: schema, table: physical })}`);
  }
  return { schema, table, physical };
}
