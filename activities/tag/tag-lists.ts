import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import { BadInputError } from '../../errors/bad-input.ts';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import { MAX_LIST_ENTRIES, normaliseListValue, parseListFile } from '../../governance/tags/fixed-list.ts';
import type { ListTagDefinition, RuleTagDefinition } from '../../governance/tags/tag-set.ts';
import type { TagJobSpec } from '../../schemas/job-spec.ts';
import { resolveFilePath } from '../../config/connections.ts';
import { activityConfig } from '../context.ts';

/** The spec's rule tags, in spec order. */
export function ruleTags(spec: TagJobSpec): RuleTagDefinition[] {
  return Object.entries(spec.tags).flatMap(([name, t]) => (t.rule ? [{ name, rule: t.rule }] : []));
}

/** The spec's list tags with their entries: read from the file, or from the centre table's column (quoted, checked by to_regclass). */
export async function loadListTags(client: pg.Client, spec: TagJobSpec): Promise<ListTagDefinition[]> {
  const lists: ListTagDefinition[] = [];
  for (const [name, t] of Object.entries(spec.tags)) {
    const list = t.list;
    if (!list) continue;
    let entries: Set<string>;
    if (list.path) {
      let text: string;
      const path = resolveFilePath(activityConfig(), list.connection, list.path);
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw new BadInputError(`tag ${name}: cannot read the list ${list.connection ? `${list.connection}:` : ''}${list.path}: ${(error as Error).message}`);
      }
      entries = parseListFile(text, list.normalise, list.match);
    } else {
      const exists = await client.query('SELECT to_regclass($1) AS oid', [quoteTable(list.table!)]);
      if (!exists.rows[0]?.oid) throw new BadInputError(`tag ${name}: list table ${list.table} does not exist`);
      const column = await client.query('SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND attnum > 0 AND NOT attisdropped', [
        quoteTable(list.table!),
        list.column,
      ]);
      if (!column.rowCount) throw new BadInputError(`tag ${name}: list table ${list.table} has no column "${list.column}"`);
      const rows = await client.query<{ v: string }>(
        `SELECT DISTINCT ${quoteIdent(list.column!)}::text AS v FROM ${quoteTable(list.table!)} WHERE ${quoteIdent(list.column!)} IS NOT NULL LIMIT ${MAX_LIST_ENTRIES + 1}`,
      );
      if (rows.rows.length > MAX_LIST_ENTRIES) throw new BadInputError(`tag ${name}: the list has more than ${MAX_LIST_ENTRIES} entries`);
      entries = new Set(rows.rows.map((r) => normaliseListValue(r.v, list.normalise)).filter(Boolean));
    }
    lists.push({ name, match: list.match, normalise: list.normalise, entries });
  }
  return lists;
}
