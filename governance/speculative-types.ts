import type { ColumnTypeHint } from './profile/column-profiler.ts';
import { storageType } from './storage-type.ts';

/**
 * The staging types to widen as more rows are seen. A column is typed from its first values and only
 * ever widened (in the end usually to text), never narrowed; a column with no values yet stays text.
 */
export function typeChanges(current: { name: string; pgType: string }[], profiles: ColumnTypeHint[]): { name: string; pgType: string }[] {
  const changes: { name: string; pgType: string }[] = [];
  for (let i = 0; i < current.length; i++) {
    const column = current[i]!;
    const profile = profiles[i]!;
    if (column.pgType === 'text') continue;
    const wanted = storageType(profile);
    if (wanted !== column.pgType) changes.push({ name: column.name, pgType: wanted });
  }
  return changes;
}

export function initialTypes<C extends { name: string }>(columns: C[], profiles: ColumnTypeHint[]): (C & { pgType: string })[] {
  return columns.map((c, i) => ({ ...c, pgType: profiles[i] ? storageType(profiles[i]) : 'text' }));
}
