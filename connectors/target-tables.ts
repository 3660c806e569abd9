import type { DigestSide } from '../governance/reconciliation.ts';
import type { RowEncoding } from './postgres/row-digests.ts';

/** A table in a department's database: `schema` is the PostgreSQL schema or the MySQL database. */
export interface TargetRef {
  schema?: string;
  table: string;
}

/** A half-open key range [lo, hi) of integer keys, null for unbounded; a distribution split by `parallelism`. */
export interface IntegerRange {
  lo: string | null;
  hi: string | null;
}

/** The condition selecting a range's keys, for integer bounds (checked here: they are written into SQL). */
export function rangeCondition(key: string, range: IntegerRange | undefined): string {
  if (!range) return 'TRUE';
  const bound = (value: string) => {
    if (!/^-?\d+$/.test(value)) throw new Error(`key range bound ${value} is not an integer`);
    return value;
  };
  const parts = [...(range.lo === null ? [] : [`${key} >= ${bound(range.lo)}`]), ...(range.hi === null ? [] : [`${key} < ${bound(range.hi)}`])];
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

export interface TargetColumn {
  name: string;
  /** The column type in the target's own dialect. */
  type: string;
}

/**
 * The writing half of a distribution, one implementation per kind of department database
 * (PostgreSQL with COPY, MySQL / MariaDB with LOAD DATA). Rows arrive as PostgreSQL COPY text.
 */
export interface TargetTables {
  readonly kind: 'postgres' | 'mysql';
  /** How messages name the table. */
  label(ref: TargetRef): string;
  /** The table's columns as the target types them; undefined when there is no such table. */
  columnsOf(ref: TargetRef): Promise<TargetColumn[] | undefined>;
  /** Creates the table afresh (dropping a leftover of that name) with its primary key. */
  create(ref: TargetRef, columns: TargetColumn[], key: string): Promise<void>;
  drop(ref: TargetRef): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * In the open transaction: locks the table (with `range`, only that key range of it) against other
   * writers until the commit and returns its greatest key (in the range) as text, null when it has
   * none, so an attempt can tell whether another wrote meanwhile.
   */
  lockAndLastKey(ref: TargetRef, key: string, range?: IntegerRange): Promise<string | null>;
  /** Deletes the rows after `lastKey` (null: every row), within `range` if given: what an attempt wrote past its checkpoint. */
  deleteAfter(ref: TargetRef, key: string, lastKey: string | null, range?: IntegerRange): Promise<number>;
  /** Writes rows (COPY text) inside the open transaction. */
  write(ref: TargetRef, columns: readonly string[], payload: Buffer): Promise<void>;
  /** Ends the current write stream (COPY) inside the transaction. */
  endStream(): Promise<void>;
  count(ref: TargetRef): Promise<number>;
  /** How this kind of database hashes rows so that the centre can hash its rows alike. */
  readonly rowEncoding: RowEncoding;
  /** The table's digests for reconciliation over these columns, computed by the target database. */
  digests(ref: TargetRef, key: string, columns: readonly TargetColumn[], encoding?: RowEncoding): DigestSide;
  /** In the open transaction: a session-private table with `columns` of `like`, unique by `key`, gone with the session. */
  createTemp(name: string, like: TargetRef, columns: readonly string[], key: string): Promise<TargetRef>;
  /**
   * In the open transaction: the rows of `from` into `into` by `key`, inserted or updated (a row equal to
   * the target's left alone); rows whose `deletedFlag` is true are deleted from `into` instead.
   */
  upsert(from: TargetRef, into: TargetRef, columns: readonly string[], key: string, deletedFlag?: string): Promise<{ upserted: number; deleted: number }>;
  /** In the open transaction: deletes the rows of `into` whose key is not in `keys` (a one-column table); returns how many. */
  deleteMissing(into: TargetRef, keys: TargetRef, key: string): Promise<number>;
  /** Puts `shadow` in the place of `target` atomically (readers see the old table or the new, never neither). */
  swap(shadow: TargetRef, target: TargetRef): Promise<void>;
  close(): Promise<void>;
}
