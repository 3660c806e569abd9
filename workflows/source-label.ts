import type { CollectSource } from '../schemas/sources.ts';

export function sourceLabel(source: CollectSource): string {
  if (source.type === 'file') return source.path.split('/').pop() ?? source.path;
  if (source.type === 'table') return `${source.connection}:${source.table}`;
  return `${source.connection}:query`;
}
