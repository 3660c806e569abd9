import type pg from 'pg';
import { byColumn, SAMPLED_VALUE_CHARS, type SampledTable, type TableSampler } from '../table-sampler.ts';
import { quoteIdent, quoteTable } from './quote.ts';

/** SQLSTATEs that skip one table: no privilege, dropped since it was listed, locked, or the statement ran out of time. */
const SKIP: Record<string, string> = {
  '42501': 'permission denied',
  '42P01': 'dropped while the scan ran',
  '55P03': 'locked by another session',
  '57014': 'sampling took too long',
};

/**
 * A PostgreSQL database's tables, sampled with `TABLESAMPLE SYSTEM` (whole pages picked at random, so
 * a big table costs a few pages) and a LIMIT; a table the statistics call small, or whose pages
 * sampled too few rows, is read from its start up to the LIMIT instead.
 */
export function postgresTableSampler(client: pg.Client): TableSampler {
  return {
    kind: 'postgres',
    async tables() {
      // Plain and partition tables (a partitioned parent holds no rows itself) and materialized views;
      // text-like columns (domains over them too), bigint and numeric.
      const { rows } = await client.query<{ schema: string; table: string; estimate: number; columns: string[] }>(
        `SELECT n.nspname AS schema, c.relname AS table, c.reltuples::float8 AS estimate, array_agg(a.attname::text ORDER BY a.attnum) AS columns
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           JOIN pg_type t ON t.oid = a.atttypid
           LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
          WHERE c.relkind IN ('r', 'm')
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'
            AND (coalesce(b.typcategory, t.typcategory) = 'S' OR coalesce(b.oid, t.oid) IN ('int8'::regtype, 'numeric'::regtype))
          GROUP BY 1, 2, 3
          ORDER BY 1, 2`,
      );
      return rows.map((r) => ({ schema: r.schema, table: r.table, columns: r.columns, estimatedRows: r.estimate >= 0 ? r.estimate : null }));
    },
    async sample(table: SampledTable, limit: number) {
      const from = quoteTable({ schema: table.schema, table: table.table });
      const select = table.columns.map((c) => `left(${quoteIdent(c)}::text, ${SAMPLED_VALUE_CHARS})`).join(', ');
      const read = async (sampling: string) =>
        (await client.query<unknown[]>({ text: `SELECT ${select} FROM ${from}${sampling} LIMIT ${limit}`, rowMode: 'array' })).rows;
      // Twice the pages the estimate says are needed, so that most samples are full.
      const percent = table.estimatedRows ? (200 * limit) / table.estimatedRows : 100;
      let rows: unknown[][] = [];
      if (percent < 100) rows = await read(` TABLESAMPLE SYSTEM (${percent.toFixed(6)})`);
      if (rows.length < limit) rows = await read('');
      return byColumn(rows, table.columns.length);
    },
    skipReason(error) {
      return SKIP[(error as { code?: string }).code ?? ''];
    },
    close: async () => {
      await client.end().catch(() => undefined);
    },
  };
}
