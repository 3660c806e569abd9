import { tagRunCounts, tagsOfEntity } from '../../catalogue/tags.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatCount, formatTable } from '../format-table.ts';
import { PersonalColumns } from '../personal-data.ts';
import { columnLevelsOfTable } from '../../catalogue/column-levels.ts';

const when = (at: Date | null) => (at ? at.toISOString().slice(0, 19).replace('T', ' ') : '');

export interface TagsOptions {
  job?: string;
  tag?: string;
  allHistory?: boolean;
  limit: number;
  json?: boolean;
}

/**
 * An entity's tags with their evidence and validity (current ones, or every period), or, without an
 * entity, the per-tag counts of the newest tag runs. Evidence of columns the catalogue grades L3/L4,
 * and values that validate as citizen IDs or mobiles, are masked (a list tag's evidence is the matched ID).
 */
export function tagsCommand(entityId: string | undefined, options: TagsOptions): Promise<number> {
  return withCentreDb(async (db) => {
    if (entityId === undefined) {
      const rows = await tagRunCounts(db, { job: options.job, tag: options.tag, limit: options.limit });
      if (options.json) {
        console.log(JSON.stringify(rows, null, 2));
        return 0;
      }
      if (!rows.length) {
        console.log('no tag runs recorded yet');
        return 0;
      }
      console.log(
        formatTable(
          ['job', 'tag', 'current', 'added', 'removed', 'undecided', 'evaluated', 'run', 'recorded'],
          rows.map((r) => [
            r.job,
            r.tag,
            formatCount(r.current),
            formatCount(r.added),
            formatCount(r.removed),
            formatCount(r.unknown + r.errors),
            formatCount(r.evaluated),
            r.run_id,
            when(r.recorded_at),
          ]),
        ),
      );
      return 0;
    }
    let rows = await tagsOfEntity(db, entityId, { job: options.job, allHistory: options.allHistory });
    if (options.tag) rows = rows.filter((r) => r.tag === options.tag);
    const maskers = new Map<string, PersonalColumns>();
    for (const table of new Set(rows.map((r) => r.entity_table))) maskers.set(table, new PersonalColumns(await columnLevelsOfTable(db, table)));
    const shown = rows.map((r) => ({ ...r, evidence: maskers.get(r.entity_table)!.record(r.evidence) }));
    if (options.json) {
      console.log(JSON.stringify(shown, null, 2));
      return 0;
    }
    if (!shown.length) {
      console.log(`entity ${entityId} has no ${options.allHistory ? '' : 'current '}tags${options.job ? ` from job ${options.job}` : ''}`);
      return 0;
    }
    console.log(
      formatTable(
        ['tag', 'job', 'valid from', 'valid to', 'rule', 'evidence', 'run'],
        shown.map((r) => [
          r.tag,
          r.job,
          when(r.valid_from),
          r.valid_to ? when(r.valid_to) : '(current)',
          `${r.rule_id}@${r.rule_version.slice(0, 8)}`,
          JSON.stringify(r.evidence),
          r.run_id,
        ]),
      ),
    );
    return 0;
  });
}
