import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import { WidenToTextError } from '../staging/staging-sink.ts';

/** source: types from the source table; speculative: typed while staging; cast-on-publish; text: kept as text. */
export type CollectTyping = 'source' | 'speculative' | 'cast-on-publish' | 'text';

/** What a restaged run falls back to: all text (PostgreSQL refused a value), or text cast once at publish. */
export type Fallback = 'none' | 'text' | 'cast-on-publish';

export function chooseTyping(spec: CollectJobSpec, fallback: Fallback): CollectTyping {
  if (spec.source.type !== 'file') return 'source';
  if (fallback === 'text' || spec.target.typing === 'text') return 'text';
  if (fallback === 'cast-on-publish') return 'cast-on-publish';
  return spec.source.format === 'csv' ? 'speculative' : 'cast-on-publish';
}

/** SQLSTATE class 22: a value PostgreSQL refused for its column type. */
const isDataException = (error: unknown) => typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('22');

/**
 * How speculative typing recovers: a column that turns out to be text restages as text with the other
 * types applied at publish; a value PostgreSQL refuses for a speculated type restages everything as text.
 */
export function fallbackAfter(error: unknown): Fallback | undefined {
  if (error instanceof WidenToTextError) return 'cast-on-publish';
  if (isDataException(error)) return 'text';
  return undefined;
}
