import type pg from 'pg';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { tableColumns } from '../../connectors/postgres/table-reader.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';
import { closeMatches } from '../../governance/rules/suggest.ts';
import { celTypeOf, isRuleIdentifier, type RuleField } from '../../governance/tags/field-types.ts';
import type { TagJobSpec } from '../../schemas/job-spec.ts';

/** The entity id as read, under a name no column of a department's table has. */
export const ENTITY_ID = '__entity_id';

export interface EntityQuery {
  /** SELECT over the entity table with its joins and computed fields; every name in it is quoted from the catalogue. */
  sql: string;
  /** The fields rules can read, with their types. */
  fields: RuleField[];
  /** Each selected column's name in the result, in order: ENTITY_ID first. */
  columns: string[];
  /** Definitions of every field, for the rule versions (a rule over `age` changes when age's definition does). */
  definitions: Record<string, string>;
}

async function columnsOf(client: pg.Client, table: string): Promise<Map<string, ColumnInfo>> {
  const { columns } = await tableColumns(client, { type: 'table', connection: 'centre', table, columnNames: 'keep' }, 'centre');
  return new Map(columns.map((c) => [c.name, c]));
}

function needColumn(columns: Map<string, ColumnInfo>, table: string, name: string, where: string): ColumnInfo {
  const column = columns.get(name);
  if (column) return column;
  const near = closeMatches(name, columns.keys());
  throw new BadInputError(`${where}: table ${table} has no column "${name}"${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
}

const isDateLike = (pgType: string) => pgType === 'date' || pgType.startsWith('timestamp');
const isNumeric = (pgType: string) => celTypeOf(pgType) === 'int' || celTypeOf(pgType) === 'double';

/** A date column (or ISO text) as a date; text that is not yyyy-mm-dd… is no date (NULL: the rule does not decide). */
function asDate(column: ColumnInfo, ref: string): string {
  if (isDateLike(column.pgType)) return `${ref}::date`;
  if (celTypeOf(column.pgType) !== 'string') throw new BadInputError(`column "${column.name}" is ${column.pgType}, not a date`);
  return `(CASE WHEN ${ref} ~ '^\\d{4}-\\d{2}-\\d{2}' THEN left(${ref}, 10)::date END)`;
}

/**
 * Builds the one query a tag run reads its entities with: the entity table's columns, each computed
 * field, and each join's aggregates over the joined table's rows of the entity (a LATERAL subquery
 * per join). Every table and column is looked up in the catalogue first and quoted; the spec supplies
 * only names from a fixed menu of functions, so no SQL comes from user text.
 */
export async function entityQuery(client: pg.Client, spec: TagJobSpec, asOf: string): Promise<EntityQuery> {
  const { table, key } = spec.entities;
  const entityColumns = await columnsOf(client, table);
  needColumn(entityColumns, table, key, 'entities.key');
  const select: string[] = [`e.${quoteIdent(key)}::text AS ${quoteIdent(ENTITY_ID)}`];
  const columns = [ENTITY_ID];
  const fields: RuleField[] = [];
  const definitions: Record<string, string> = {};
  const derived = new Set([...Object.keys(spec.computed), ...Object.values(spec.joins).flatMap((j) => Object.keys(j.fields))]);
  for (const column of entityColumns.values()) {
    if (!isRuleIdentifier(column.name) || derived.has(column.name)) continue;
    select.push(`e.${quoteIdent(column.name)}`);
    columns.push(column.name);
    fields.push({ name: column.name, type: celTypeOf(column.pgType), origin: `column ${column.pgType}` });
    definitions[column.name] = `column ${column.pgType}`;
  }
  const asOfSql = `${client.escapeLiteral(asOf)}::date`;
  for (const [name, def] of Object.entries(spec.computed)) {
    const column = needColumn(entityColumns, table, def.column, `computed.${name}.column`);
    const date = asDate(column, `e.${quoteIdent(column.name)}`);
    const expression =
      def.fn === 'age_years'
        ? `date_part('year', age(${asOfSql}, ${date}))::int`
        : def.fn === 'days_since'
          ? `(${asOfSql} - ${date})::int`
          : `date_part('year', ${date})::int`;
    select.push(`${expression} AS ${quoteIdent(name)}`);
    columns.push(name);
    fields.push({ name, type: 'int', origin: `${def.fn}(${def.column})` });
    definitions[name] = `${def.fn}(${def.column})`;
  }
  const joins: string[] = [];
  let n = 0;
  for (const [joinName, join] of Object.entries(spec.joins)) {
    const alias = `j${n++}`;
    const joined = await columnsOf(client, join.table);
    needColumn(joined, join.table, join.on, `joins.${joinName}.on`);
    const entityColumn = join.entityColumn ?? key;
    needColumn(entityColumns, table, entityColumn, `joins.${joinName}.entityColumn`);
    const aggregates: string[] = [];
    for (const [name, agg] of Object.entries(join.fields)) {
      const where = `joins.${joinName}.fields.${name}`;
      const column = agg.column ? needColumn(joined, join.table, agg.column, `${where}.column`) : undefined;
      const ref = column ? `x.${quoteIdent(column.name)}` : '';
      let expression: string;
      let pgType: string;
      if (agg.fn === 'count') {
        expression = 'count(*)';
        pgType = 'bigint';
      } else if (agg.fn === 'sum' || agg.fn === 'avg') {
        if (!isNumeric(column!.pgType)) throw new BadInputError(`${where}: ${agg.fn} needs a numeric column; "${column!.name}" is ${column!.pgType}`);
        const integral = agg.fn === 'sum' && celTypeOf(column!.pgType) === 'int';
        expression = `${agg.fn}(${ref})::${integral ? 'bigint' : 'double precision'}`;
        pgType = integral ? 'bigint' : 'double precision';
      } else if (agg.fn === 'any') {
        if (column!.pgType !== 'boolean') throw new BadInputError(`${where}: any needs a boolean column; "${column!.name}" is ${column!.pgType}`);
        expression = `coalesce(bool_or(${ref}), false)`;
        pgType = 'boolean';
      } else if (agg.fn === 'first') {
        const order = needColumn(joined, join.table, agg.orderBy!, `${where}.orderBy`);
        expression = `(array_agg(${ref} ORDER BY x.${quoteIdent(order.name)} ${agg.descending ? 'DESC' : 'ASC'} NULLS LAST))[1]`;
        pgType = column!.pgType;
      } else {
        expression = `${agg.fn}(${ref})`;
        pgType = column!.pgType;
      }
      aggregates.push(`${expression} AS ${quoteIdent(name)}`);
      select.push(`${alias}.${quoteIdent(name)}`);
      columns.push(name);
      const definition = `${join.table}.${join.on}=${entityColumn} ${agg.fn}(${agg.column ?? '*'}${agg.orderBy ? ` by ${agg.orderBy}${agg.descending ? ' desc' : ''}` : ''})`;
      fields.push({ name, type: celTypeOf(pgType), origin: `join ${joinName}: ${agg.fn}` });
      definitions[name] = definition;
    }
    joins.push(
      `LEFT JOIN LATERAL (SELECT ${aggregates.join(', ')} FROM ${quoteTable(join.table)} x WHERE x.${quoteIdent(join.on)} = e.${quoteIdent(entityColumn)}) ${alias} ON true`,
    );
  }
  const sql = `SELECT ${select.join(', ')} FROM ${quoteTable(table)} e ${joins.join(' ')}`;
  return { sql, fields, columns, definitions };
}
