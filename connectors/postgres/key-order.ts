import { BadInputError } from '../../errors/bad-input.ts';
import type { Field } from '../source-chunk.ts';

/**
 * Resuming "after the last key" is exact only for a unique, non-null key, so every row read in key
 * order is checked against the one before it. Returns the last key of `rows`.
 */
export function checkKeyOrder(rows: readonly Field[][], keyIndex: number, key: string, lastKey: string | null): string | null {
  for (const row of rows) lastKey = nextKey(row[keyIndex] ?? null, key, lastKey);
  return lastKey;
}

/** Checks one key value against the previous one; returns it as the new last key. */
export function nextKey(value: string | null, key: string, lastKey: string | null): string {
  if (value === null) throw new BadInputError(`key column "${key}" has a NULL value: a resumable collection needs a unique, non-null key`);
  if (value === lastKey) throw new BadInputError(`key column "${key}" repeats the value "${value}": a resumable collection needs a unique key`);
  return value;
}
