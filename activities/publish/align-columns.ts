import type { Knex } from 'knex';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { widerType } from '../../governance/type-widening.ts';

/** A table's columns and their types (format_type names), in order. */
export async function columnTypes(trx: Knex.Transaction, table: string): Promise<Map<string, string>> {
  const result = await trx.raw<{ rows: { name: string; type: string }[] }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
      WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table],
  );
  return new Map(result.rows.map((r) => [r.name, r.type]));
}

/**
 * How staged rows may differ from the published table they join: `strict` (a table source, whose
 * schema is declared) refuses any difference; `evolve` (files, typed from their values) adds new
 * columns to the published table and widens a column whose new values its type cannot hold.
 */
export type SchemaPolicy = 'strict' | 'evolve';

export interface AlignedColumns {
  /** The staged columns, typed as the published table now types them. */
  staged: Map<string, string>;
  /** The published table's columns afterwards. */
  published: Map<string, string>;
  /** What changed in the published table, for the run's warnings. */
  changes: string[];
}

/** Makes the staged table fit the published one (or refuses), inside the publishing transaction. */
export async function alignColumns(
  trx: Knex.Transaction,
  staging: string,
  target: { schema: string; table: string },
  policy: SchemaPolicy,
): Promise<AlignedColumns> {
  const label = `${target.schema}.${target.table}`;
  const quoted = quoteTable(target);
  const staged = await columnTypes(trx, staging);
  const published = await columnTypes(trx, quoted);
  if (policy === 'strict') {
    const differences = [
      ...[...staged]
        .filter(([name, type]) => published.get(name) !== type)
        .map(([name, type]) => `${name} ${type} (published: ${published.get(name) ?? 'no such column'})`),
      ...[...published.keys()].filter((name) => !staged.has(name)).map((name) => `${name} (published, not in the source)`),
    ];
    if (differences.length) throw new BadInputError(`the source's columns no longer match ${label}: ${differences.join('; ')}`);
    return { staged, published, changes: [] };
  }
  const changes: string[] = [];
  const widenTarget: string[] = [];
  const castStaged: string[] = [];
  for (const [name, type] of staged) {
    const was = published.get(name);
    if (was === undefined) {
      await trx.raw(`ALTER TABLE ${quoted} ADD COLUMN ${quoteIdent(name)} ${type}`);
      published.set(name, type);
      changes.push(`column ${name} (${type}) added to ${label}: earlier rows have it NULL`);
      continue;
    }
    if (was === type) continue;
    const wide = widerType(type, was);
    if (wide !== was) {
      widenTarget.push(`ALTER COLUMN ${quoteIdent(name)} TYPE ${wide} USING ${quoteIdent(name)}::${wide}`);
      published.set(name, wide);
      changes.push(`column ${name} of ${label} widened from ${was} to ${wide}: the new rows hold ${type} values`);
    }
    if (wide !== type) castStaged.push(`ALTER COLUMN ${quoteIdent(name)} TYPE ${wide} USING ${quoteIdent(name)}::${wide}`);
    staged.set(name, wide);
  }
  if (widenTarget.length) await trx.raw(`ALTER TABLE ${quoted} ${widenTarget.join(', ')}`);
  if (castStaged.length) await trx.raw(`ALTER TABLE ${staging} ${castStaged.join(', ')}`);
  const missing = [...published.keys()].filter((name) => !staged.has(name));
  if (missing.length) changes.push(`the new rows have no ${missing.join(', ')}: rows they add have NULL there`);
  return { staged, published, changes };
}
