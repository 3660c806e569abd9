// The records of one fusion run held for matching: one column array per field, so millions of
// records cost a few arrays rather than millions of objects.
import type { FieldKind } from './field-kinds.ts';

export interface MatchField {
  name: string;
  kind: FieldKind;
}

export interface MatchRecords {
  readonly fields: readonly MatchField[];
  readonly sources: readonly string[];
  size: number;
  /** Index into `sources`. */
  source: number[];
  recordId: string[];
  /** ISO timestamp the source last changed the record, when it says. */
  updatedAt: (string | null)[];
  /** Digest of the record's governed values: an unchanged digest is an unchanged record. */
  digest: string[];
  /** values[f][r]: field f of record r, normalised (null: empty). */
  values: (string | null)[][];
}

export function emptyRecords(fields: readonly MatchField[], sources: readonly string[]): MatchRecords {
  return { fields, sources, size: 0, source: [], recordId: [], updatedAt: [], digest: [], values: fields.map(() => []) };
}

export function addRecord(
  records: MatchRecords,
  source: number,
  recordId: string,
  updatedAt: string | null,
  digest: string,
  values: readonly (string | null)[],
  /** Where field 0's value sits in `values` (a whole parsed row can be passed as it is). */
  offset = 0,
): number {
  const r = records.size++;
  records.source.push(source);
  records.recordId.push(recordId);
  records.updatedAt.push(updatedAt);
  records.digest.push(digest);
  for (let f = 0; f < records.fields.length; f++) records.values[f]!.push(values[offset + f] ?? null);
  return r;
}

/** `source:record`, how lineage, reviews and membership name a record. */
export function recordRef(records: MatchRecords, r: number): string {
  return `${records.sources[records.source[r]!]}:${records.recordId[r]}`;
}

export function fieldIndex(records: Pick<MatchRecords, 'fields'>, name: string): number {
  return records.fields.findIndex((f) => f.name === name);
}
