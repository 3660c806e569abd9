import { withCentreDb } from '../centre-db.ts';
import { listResources, showResource } from '../../catalogue/resources.ts';
import { formatCount, formatPercent, formatTable } from '../format-table.ts';
import type { CatalogueRow } from '../../catalogue/numbers.ts';
import { displayMasker, maskShape } from '../../governance/masking/display.ts';

/**
 * A column profile as the CLI may print it: the min, max and top value shapes of an L3/L4 column
 * masked by the column's type (what a distribution would send), the rest as catalogued.
 */
function shownProfile(column: CatalogueRow): CatalogueRow {
  const masker = displayMasker({ semanticType: (column.semantic_type as string | null) ?? null, sensitivity: String(column.sensitivity) });
  if (!masker) return column;
  return {
    ...column,
    min_value: masker(column.min_value),
    max_value: masker(column.max_value),
    top_patterns: (column.top_patterns as { pattern: string }[]).map((p) => ({ ...p, pattern: maskShape(p.pattern) })),
  };
}

export function catalogListCommand(options: { department?: string; json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const rows = await listResources(db, options.department);
    if (options.json) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    if (!rows.length) {
      console.log('the catalogue is empty: run a collect job first (dataops run samples/jobs/collect-residents.yaml --wait)');
      return 0;
    }
    console.log(
      formatTable(
        ['dataset', 'table', 'department', 'source system', 'frequency', 'sensitivity', 'version', 'rows', 'updated'],
        rows.map((r) => [
          r.dataset,
          r.table_ref,
          r.department,
          r.source_system,
          r.update_frequency,
          r.sensitivity,
          r.current_version,
          formatCount(Number(r.row_count)),
          new Date(r.updated_at).toISOString().slice(0, 19).replace('T', ' '),
        ]),
      ),
    );
    return 0;
  });
}

export function catalogShowCommand(dataset: string, options: { version?: number; json?: boolean }): Promise<number> {
  return withCentreDb(async (db) => {
    const view = await showResource(db, dataset, options.version);
    if (!view) {
      console.error(`no dataset "${dataset}" in the catalogue (see: dataops catalog list)`);
      return 1;
    }
    const { resource, versions } = view;
    const columns = view.columns.map(shownProfile);
    const version = options.version ?? resource.current_version;
    const versionRow = view.version;
    if (!versionRow) {
      console.error(`dataset "${dataset}" has no version ${version} (current: ${resource.current_version})`);
      return 1;
    }
    if (options.json) {
      console.log(JSON.stringify({ resource, version: versionRow, columns, versions }, null, 2));
      return 0;
    }
    console.log(`${resource.dataset}  (${resource.table_ref}, version ${version} of ${resource.current_version})`);
    console.log(`  department ${resource.department} · source system ${resource.source_system ?? '-'} · updated ${resource.update_frequency}`);
    console.log(`  sensitivity ${resource.sensitivity}: ${(resource.sensitivity_reasons as string[]).join('; ') || 'no sensitive column types found'}`);
    console.log(
      `  rows ${formatCount(Number(versionRow.row_count))} · run ${versionRow.run_id} · published ${new Date(versionRow.published_at).toISOString()}`,
    );
    if (resource.description) console.log(`  ${resource.description}`);
    console.log('');
    console.log(
      formatTable(
        ['#', 'column', 'type', 'semantic', 'level', 'nulls', 'distinct≈', 'valid', 'min', 'max', 'len', 'top pattern'],
        columns.map((c) => {
          const top = (c.top_patterns as { pattern: string; share: number }[])[0];
          const checked = Number(c.semantic_checked ?? 0);
          return [
            c.ordinal,
            c.label ? `${c.name} (${c.label})` : c.name,
            c.data_type,
            c.semantic_type,
            c.sensitivity,
            formatPercent(c.null_rate),
            formatCount(Number(c.distinct_estimate)),
            checked ? formatPercent(Number(c.semantic_valid) / checked) : '',
            truncate(c.min_value),
            truncate(c.max_value),
            c.min_length === null ? '' : `${c.min_length}-${c.max_length}`,
            top ? `${truncate(top.pattern)} ${formatPercent(top.share)}` : '',
          ];
        }),
      ),
    );
    const masked = view.columns.filter((c, i) => columns[i] !== c).map((c) => c.name as string);
    if (masked.length) console.log(`\nmin, max and top patterns of ${masked.join(', ')} (L3/L4) are shown masked`);
    const profiled = columns.length ? Number(columns[0]!.rows) : 0;
    if (profiled && profiled < Number(versionRow.row_count)) {
      console.log(`\ncolumn profiles from a sample of ${formatCount(profiled)} of ${formatCount(Number(versionRow.row_count))} rows`);
    }
    console.log(`\nversions: ${versions.map((v) => `v${v.version} ${formatCount(Number(v.row_count))} rows`).join(', ')}`);
    return 0;
  });
}

function truncate(value: string | null, max = 24): string {
  if (value === null) return '';
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
