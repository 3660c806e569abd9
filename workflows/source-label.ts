import type { CollectSource } from '../schemas/sources.ts';

/** How summaries, the UI and the CLI name a source: `samples:residents.csv`, `hr_system:public.people`, `hr_system:query`. */
export function sourceLabel(source: CollectSource): string {
  if (source.type === 'file') return `${source.connection ? `${source.connection}:` : ''}${source.path.split('/').pop() ?? source.path}`;
  if (source.type === 'table') return `${source.connection}:${source.table}`;
  return `${source.connection}:query`;
}
