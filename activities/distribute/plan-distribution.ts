import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Knex } from 'knex';
import type { DistributeJobSpec } from '../../schemas/job-spec.ts';
import type { QuerySource, TableSource } from '../../schemas/sources.ts';
import { CENTRE_CONNECTION } from '../../config/connections.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { tableColumns } from '../../connectors/postgres/table-reader.ts';
import { mariadbMappings } from '../../connectors/mariadb/type-mapping.ts';
import { shortTypeName } from '../../governance/storage-type.ts';
import type { TargetColumn, TargetRef } from '../../connectors/target-tables.ts';
import type { ColumnMask } from '../../schemas/masking.ts';
import { effectiveMasks, levelRank, unmaskedAbove, type CatalogueColumn } from '../../governance/masking/policy.ts';
import { columnsCompared, compileRowFilter, inlineRowFilter, type CompiledFilter } from '../../governance/row-filter.ts';
import type { RowFilter } from '../../schemas/row-filter.ts';

/** The source table's columns as its current catalogue version describes them (none: not catalogued). */
async function cataloguedColumns(db: Knex, table: string): Promise<Map<string, { semanticType: string | null; sensitivity: string }>> {
  const rows = await db('dataops.catalogue_columns as c')
    .join('dataops.catalogue_resources as r', function () {
      this.on('r.id', '=', 'c.resource_id').andOn('r.current_version', '=', 'c.version');
    })
    .where('r.table_ref', table)
    .select('c.name', 'c.semantic_type', 'c.sensitivity');
  return new Map(rows.map((r) => [r.name as string, { semanticType: r.semantic_type as string | null, sensitivity: r.sensitivity as string }]));
}

/**
 * The mask of every column: the spec's, else the catalogue's default for the column. A column above
 * the level the target may receive unmasked that would still leave unmasked is refused here, naming
 * it; a column the catalogue does not describe counts as L4.
 */
type Catalogued = Map<string, { semanticType: string | null; sensitivity: string }>;

function planMasks(catalogued: Catalogued, spec: DistributeJobSpec, table: string, names: string[], allowedLevel: string): ColumnMask[] {
  const undescribed = names.filter((n) => !catalogued.has(n) && !Object.hasOwn(spec.masks, n));
  if (undescribed.length) {
    throw new BadInputError(
      `the catalogue does not describe ${undescribed.join(', ')} of ${table}, so how sensitive ${undescribed.length > 1 ? 'they are' : 'it is'} is unknown: ` +
        'distribute a catalogued dataset, leave the columns out (source.columns), or give each a mask in the spec (a column sent with mask none counts as L4)',
    );
  }
  const columns: CatalogueColumn[] = names.map((name) => ({
    name,
    semanticType: (catalogued.get(name)?.semanticType ?? null) as CatalogueColumn['semanticType'],
    sensitivity: catalogued.get(name)?.sensitivity ?? 'not catalogued',
  }));
  const { masks, unknownColumns } = effectiveMasks(columns, spec.masks);
  if (unknownColumns.length)
    throw new BadInputError(`masks names columns this distribution does not send: ${unknownColumns.join(', ')} (it sends ${names.join(', ')})`);
  const leaking = unmaskedAbove(masks, columns, allowedLevel);
  if (leaking.length) {
    throw new BadInputError(
      `connection "${spec.target.connection}" may receive data up to ${allowedLevel} unmasked; this distribution would send ` +
        `${leaking.map((c) => `${c.name} (${c.sensitivity})`).join(', ')} unmasked. Mask them (masks: { ${leaking[0]!.name}: { mask: redact } }) ` +
        "or, if the department may see them, raise the connection's maxUnmaskedLevel",
    );
  }
  return names.map((name) => masks[name]!);
}

/**
 * A row filter on a column the destination may not see in clear would tell it that column's values
 * all the same (`citizen_id startsWith 11010119900307` reveals the birth date of every row sent): a
 * condition on a column above the allowed level is refused unless that column is sent unmasked, except
 * isNull / notNull, which reveal no value. An undescribed column counts as L4.
 */
function refuseFilterOracle(catalogued: Catalogued, filter: RowFilter, sent: string[], masks: ColumnMask[], allowedLevel: string): void {
  const allowed = levelRank(allowedLevel);
  const clear = new Set(sent.filter((_, i) => masks[i]!.mask === 'none'));
  const hidden = [...new Set(columnsCompared(filter))].filter((name) => !clear.has(name) && levelRank(catalogued.get(name)?.sensitivity ?? 'L4') > allowed);
  if (hidden.length) {
    throw new BadInputError(
      `the filter compares ${hidden.map((n) => `${n} (${catalogued.get(n)?.sensitivity ?? 'not catalogued: L4'})`).join(', ')}, above the ${allowedLevel} the destination may see in clear: ` +
        'its rows would reveal those values. Filter on other columns, or only with isNull / notNull',
    );
  }
}

/** What a distribution reads, how each column is sent, and where it goes. */
export interface DistributionPlan {
  sourceTable: string;
  /** Each sent column's mask, in column order (`none`: sent as it is). */
  masks: ColumnMask[];
  /** The sent columns with their types in the centre, for reconciliation. */
  sourceColumns: { name: string; pgType: string }[];
  /** Reads the centre table with each column converted for the target, ordered by the key. */
  source: QuerySource;
  key: string;
  /** How the catalogue describes the key column, if it does: failure messages show its values masked when it is L3/L4. */
  keyLevel?: { semanticType: string | null; sensitivity: string };
  resumable: boolean;
  target: TargetRef;
  targetColumns: TargetColumn[];
  /** Only the rows this condition keeps are sent (a share's filter), and reconciled. */
  where?: CompiledFilter;
}

const INTEGER_KEY = /^(smallint|integer|bigint|int2|int4|int8)$/;

/**
 * An incremental distribution reads the change cursor as the centre holds it, whatever the column is
 * converted to for the target: staged beside the sent columns under this name, never sent itself.
 */
export const CURSOR_COLUMN = '__dataops_cursor';

/** The centre table a distribution sends: the one named, or the dataset's published table. */
async function sourceTableOf(db: Knex, spec: DistributeJobSpec): Promise<string> {
  if (spec.source.table) return spec.source.table.includes('.') ? spec.source.table : `public.${spec.source.table}`;
  const dataset = spec.source.dataset ?? spec.dataset;
  const resource = await db('dataops.catalogue_resources').where({ dataset }).first('table_ref');
  if (!resource) throw new BadInputError(`dataset ${dataset} is not in the catalogue (see: dataops catalog list); name a centre table with source.table`);
  return resource.table_ref as string;
}

/** The unique, non-null column the copy is ordered by: the spec's, the primary key, or a single-column unique index on a NOT NULL column. */
async function keyOf(client: pg.Client, table: string, named: string | undefined, primaryKey: string[]): Promise<string> {
  if (named) return named;
  if (primaryKey.length === 1) return primaryKey[0]!;
  const unique = await client.query<{ name: string }>(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
      WHERE i.indrelid = $1::regclass AND i.indisunique AND i.indnatts = 1 AND i.indpred IS NULL AND a.attnotnull ORDER BY a.attnum LIMIT 1`,
    [quoteTable(table)],
  );
  if (unique.rows[0]) return unique.rows[0].name;
  throw new BadInputError(`${table} has no single-column primary key or unique NOT NULL column to copy it in order by: name one with source.key`);
}

export function parseTargetRef(table: string): TargetRef {
  const dot = table.indexOf('.');
  return dot === -1 ? { table } : { schema: table.slice(0, dot), table: table.slice(dot + 1) };
}

/** Loaded beside the target and swapped in; one per run, or per attempt where an attempt cannot resume. */
export function shadowRef(target: TargetRef, runId: string, attempt?: number): TargetRef {
  const digest = createHash('sha256').update(runId).digest('hex').slice(0, 10);
  return { schema: target.schema, table: `${target.table.slice(0, 40)}__dataops_${digest}${attempt === undefined ? '' : `_a${attempt}`}` };
}

/**
 * Plans a distribution from the centre table's own description: a column the spec names that the
 * table lacks, a key that cannot order the copy, and a type the target cannot hold faithfully are all
 * refused here, before a row moves.
 */
export async function planDistribution(
  db: Knex,
  client: pg.Client,
  spec: DistributeJobSpec,
  kind: 'postgres' | 'mysql',
  allowedLevel: string,
  filter?: RowFilter,
): Promise<DistributionPlan> {
  const sourceTable = await sourceTableOf(db, spec);
  const tableSource: TableSource = { type: 'table', connection: CENTRE_CONNECTION, table: sourceTable, columns: spec.source.columns, columnNames: 'keep' };
  const { columns, primaryKey } = await tableColumns(client, tableSource, CENTRE_CONNECTION);
  // A filter may name columns that are not sent: it is checked against the whole table.
  const filterColumns = filter ? (await tableColumns(client, { ...tableSource, columns: undefined }, CENTRE_CONNECTION)).columns : [];
  const where = filter ? compileRowFilter(filter, filterColumns, quoteIdent) : undefined;
  const key = await keyOf(client, sourceTable, spec.source.key, primaryKey);
  const keyColumn = columns.find((c) => c.name === key);
  if (!keyColumn) throw new BadInputError(`key column "${key}" is not among the columns sent (${columns.map((c) => c.name).join(', ')})`);
  const catalogued = await cataloguedColumns(db, sourceTable);
  const names = columns.map((c) => c.name);
  const masks = planMasks(catalogued, spec, sourceTable, names, allowedLevel);
  if (filter) refuseFilterOracle(catalogued, filter, names, masks, allowedLevel);
  // A masked value is text (an ID with stars, a pseudonym), whatever the column held; NULL fits anything.
  const masked = (i: number) => masks[i]!.mask !== 'none' && masks[i]!.mask !== 'nullify';
  if (masked(columns.indexOf(keyColumn))) throw new BadInputError(`the key ${key} is masked: copy by another key (source.key), or pseudonymise it in a view`);
  const sent = columns.map((c, i) => (masked(i) ? { ...c, pgType: 'text' } : c));
  let targetColumns: TargetColumn[];
  let selects: string[];
  if (kind === 'mysql') {
    const { mappings, problems } = mariadbMappings(sent);
    if (problems.length) throw new BadInputError(`${sourceTable} cannot go to MySQL / MariaDB as it is:\n  ${problems.join('\n  ')}`);
    targetColumns = sent.map((c, i) => ({ name: c.name, type: mappings[i]!.type }));
    selects = sent.map((c, i) => (masked(i) ? `${quoteIdent(c.name)}::text AS ${quoteIdent(c.name)}` : `${mappings[i]!.select} AS ${quoteIdent(c.name)}`));
  } else {
    targetColumns = sent.map((c) => ({ name: c.name, type: shortTypeName(c.pgType) }));
    selects = sent.map((c, i) => (masked(i) ? `${quoteIdent(c.name)}::text AS ${quoteIdent(c.name)}` : quoteIdent(c.name)));
  }
  const incremental = spec.target.mode === 'incremental' ? spec.source.incremental : undefined;
  if (incremental) {
    const all = await tableColumns(client, { ...tableSource, columns: undefined }, CENTRE_CONNECTION);
    if (!all.columns.some((c) => c.name === incremental.cursor))
      throw new BadInputError(`cursor column "${incremental.cursor}" is not a column of ${sourceTable} (${all.columns.map((c) => c.name).join(', ')})`);
    if (incremental.key && incremental.key !== key)
      throw new BadInputError(`source.incremental.key (${incremental.key}) must be the key the target is upserted by (${key}): set source.key to it`);
    selects.push(`${quoteIdent(incremental.cursor)} AS ${quoteIdent(CURSOR_COLUMN)}`);
  }
  const flag = spec.target.deletes?.column;
  if (flag) {
    const column = columns.find((c) => c.name === flag);
    if (!column) throw new BadInputError(`the soft-delete flag column "${flag}" is not among the columns sent (${columns.map((c) => c.name).join(', ')})`);
    if (shortTypeName(column.pgType) !== 'boolean') throw new BadInputError(`the soft-delete flag column "${flag}" is ${column.pgType}: it must be a boolean`);
  }
  return {
    sourceTable,
    masks,
    sourceColumns: columns.map((c) => ({ name: c.name, pgType: c.pgType })),
    source: {
      type: 'query',
      connection: CENTRE_CONNECTION,
      // COPY takes no parameters: the reader's statement gets the values as literals, escaped by the driver.
      sql: `SELECT ${selects.join(', ')} FROM ${quoteTable(sourceTable)}${filter ? ` WHERE ${inlineRowFilter(filter, filterColumns, quoteIdent, (v) => client.escapeLiteral(v))}` : ''}`,
      key,
      columnNames: 'keep',
      ...(incremental ? { incremental: { cursor: CURSOR_COLUMN, key, lag: incremental.lag } } : {}),
    },
    key,
    ...(catalogued.has(key) ? { keyLevel: catalogued.get(key)! } : {}),
    resumable: INTEGER_KEY.test(shortTypeName(keyColumn.pgType)),
    target: parseTargetRef(spec.target.table),
    targetColumns,
    ...(where ? { where } : {}),
  };
}
