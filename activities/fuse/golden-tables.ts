// The golden tables a fusion job publishes: the current entities, and every version with its validity.
import type { Knex } from 'knex';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { splitTableRef } from '../../schemas/identifiers.ts';
import type { MatchField } from '../../governance/fuse/match-records.ts';

export function historyTable(target: string): string {
  const { schema, table } = splitTableRef(target);
  return `${schema}.${table}_history`;
}

const META = `record_count integer NOT NULL, sources text[] NOT NULL, conflicts text[] NOT NULL, lineage jsonb NOT NULL, digest text NOT NULL, run_id text NOT NULL, valid_from timestamptz NOT NULL`;

/** Creates both tables when missing and adds fields a changed spec introduced (a field is never dropped: its history stays readable). */
export async function ensureGoldenTables(trx: Knex.Transaction, target: string, fields: readonly MatchField[]): Promise<void> {
  const { schema } = splitTableRef(target);
  const columns = fields.map((f) => `${quoteIdent(f.name)} text`).join(', ');
  await trx.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  await trx.raw(`CREATE TABLE IF NOT EXISTS ${quoteTable(target)} (entity_id text PRIMARY KEY, ${columns}, ${META})`);
  await trx.raw(
    `CREATE TABLE IF NOT EXISTS ${quoteTable(historyTable(target))} (entity_id text NOT NULL, ${columns}, ${META}, valid_to timestamptz, ended_by text, PRIMARY KEY (entity_id, valid_from))`,
  );
  for (const table of [target, historyTable(target)]) {
    for (const f of fields) await trx.raw(`ALTER TABLE ${quoteTable(table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(f.name)} text`);
  }
}
