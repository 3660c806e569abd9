// Duplicate detection by key, incrementally over batches, in bounded memory per distinct key.
//
// Each distinct key costs one slot in an open-addressing table: a 64-bit key hash and the kept row's ref
// (16 bytes), plus its order value for `latest` (24 bytes); with the table kept between 35% and 70% full
// that is 23-46 bytes per key under `first`, 34-69 under `latest`. No key text and no record is held.
//
// `latest` across batches: a row can arrive after the row it beats has been published. offer() then says
// `{ keep: true, replaces: ref }` and the engine must retract that earlier row (delete it from staging, or
// quarantine it as the loser). The alternatives both cost more: holding every row until the end of the
// stream (memory grows with the data) or two passes over the source (find each key's winner, then cleanse).
// Retractions are rare when newer versions tend to arrive later; in the sample data the stale copy always
// arrives after the current one and simply loses.
// Because only the key hash is held, two keys that collide (about 3 in a million at 10 million keys) would be
// treated as one; the rows stay available in quarantine, so such a loss is visible and recoverable.
import { decodeBase64, encodeBase64 } from './base64.ts';
import { instantMs } from './instant.ts';
import { hashKeyParts } from './key-hash.ts';
import { parseDecimal } from './numbers.ts';
import { closeMatches } from './suggest.ts';
import type { RowRef } from './types.ts';

export type Survivorship = 'first' | 'latest';

export interface DedupSpec {
  /** Columns whose values together identify a record. */
  readonly key: readonly string[];
  /** `first`: the first row seen wins. `latest`: the greatest `orderBy` value wins; ties keep the earlier row. */
  readonly survivorship: Survivorship;
  /** Column ordering rows under `latest`: ISO dates or timestamps, or plain numbers. */
  readonly orderBy?: string;
}

export type DedupDecision = { readonly keep: true; readonly replaces?: RowRef } | { readonly keep: false; readonly duplicateOf: RowRef };

export interface DuplicateTrackerState {
  /** 1: `entries` holds the whole table. 2: no entries; they are replayed from `takeChanges()` records. */
  readonly version: 1 | 2;
  readonly key: readonly string[];
  readonly survivorship: Survivorship;
  readonly orderBy?: string;
  readonly size: number;
  /** Base64 of `size` little-endian records: hash (2 x u32), ref (f64) and, for `latest`, order (f64). */
  readonly entries?: string;
}

const KEEP: DedupDecision = Object.freeze({ keep: true });
const MIN_CAPACITY = 1024;
const MAX_LOAD = 0.7;

/** Order value of a `latest` row: an instant, else a number; unreadable values lose to everything. */
function orderValue(v: string | null | undefined): number {
  if (v === null || v === undefined) return Number.NEGATIVE_INFINITY;
  const t = instantMs(v);
  if (!Number.isNaN(t)) return t;
  const n = parseDecimal(v);
  return Number.isNaN(n) ? Number.NEGATIVE_INFINITY : n;
}

function resolve(columns: readonly string[], name: string, what: string): number {
  const i = columns.indexOf(name);
  if (i >= 0) return i;
  const near = closeMatches(name, columns);
  throw new RangeError(`${what} '${name}' is not a column${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
}

export class DuplicateTracker {
  readonly spec: DedupSpec;
  private readonly keyIndexes: readonly number[];
  private readonly orderIndex: number;
  private readonly hash = new Uint32Array(2);
  // One slot per 16 bytes (first: hash hi, hash lo, ref) or 24 (latest: ..., order), interleaved in one
  // buffer so that a probe touches one cache line rather than one per field.
  private readonly words: number;
  private u32: Uint32Array;
  private f64: Float64Array;
  private mask: number;
  private count = 0;
  /** Key hashes (pairs) inserted or re-pointed since the last takeChanges(). */
  private pending: number[] = [];

  /** `columns` are the row's columns, in the order offer() receives values. Unknown names throw. */
  constructor(spec: DedupSpec, columns: readonly string[], initialCapacity = MIN_CAPACITY) {
    if (spec.key.length === 0) throw new RangeError('dedup key needs at least one column');
    if (spec.survivorship !== 'first' && spec.survivorship !== 'latest') {
      throw new RangeError(`dedup survivorship must be 'first' or 'latest', got '${String(spec.survivorship)}'`);
    }
    this.spec = spec;
    this.keyIndexes = spec.key.map((k) => resolve(columns, k, 'dedup key column'));
    if (spec.survivorship === 'latest') {
      if (spec.orderBy === undefined) throw new RangeError("dedup survivorship 'latest' needs orderBy (a timestamp column)");
      this.orderIndex = resolve(columns, spec.orderBy, 'dedup orderBy column');
    } else {
      this.orderIndex = -1;
    }
    this.words = this.orderIndex >= 0 ? 3 : 2;
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < initialCapacity) capacity *= 2;
    this.mask = capacity - 1;
    this.f64 = new Float64Array(capacity * this.words);
    this.u32 = new Uint32Array(this.f64.buffer);
  }

  /** Distinct keys held. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (for memory accounting). */
  get bytes(): number {
    return this.f64.byteLength;
  }

  /**
   * Decides one row (values in the tracker's column order). Rows whose key has a null part are kept and not
   * tracked: as in SQL, a missing key equals nothing. Only offer rows that will otherwise be published.
   */
  offer(row: readonly (string | null)[], ref: RowRef): DedupDecision {
    const h = this.hash;
    if (!hashKeyParts(row, this.keyIndexes, h)) return KEEP;
    const a = h[0]!;
    // (0, 0) marks an empty slot.
    const b = a === 0 && h[1] === 0 ? 1 : h[1]!;
    const { mask, words, u32 } = this;
    let i = a & mask;
    for (;;) {
      const at = i * words * 2;
      const x = u32[at]!;
      const y = u32[at + 1]!;
      if (x === 0 && y === 0) break;
      if (x === a && y === b) return this.decide(i, row, ref);
      i = (i + 1) & mask;
    }
    this.put(i, a, b, ref, words === 3 ? orderValue(row[this.orderIndex]) : 0);
    this.pending.push(a, b);
    if (++this.count > (mask + 1) * MAX_LOAD) this.grow();
    return KEEP;
  }

  private put(slot: number, a: number, b: number, ref: number, order: number): void {
    const w = this.words;
    this.u32[slot * w * 2] = a;
    this.u32[slot * w * 2 + 1] = b;
    this.f64[slot * w + 1] = ref;
    if (w === 3) this.f64[slot * w + 2] = order;
  }

  private decide(slot: number, row: readonly (string | null)[], ref: RowRef): DedupDecision {
    const w = this.words;
    const kept = this.f64[slot * w + 1]!;
    if (w === 2) return { keep: false, duplicateOf: kept };
    const order = orderValue(row[this.orderIndex]);
    if (!(order > this.f64[slot * w + 2]!)) return { keep: false, duplicateOf: kept };
    this.f64[slot * w + 1] = ref;
    this.f64[slot * w + 2] = order;
    this.pending.push(this.u32[slot * w * 2]!, this.u32[slot * w * 2 + 1]!);
    return { keep: true, replaces: kept };
  }

  private grow(): void {
    const { u32, f64, words } = this;
    const slots = f64.length / words;
    this.mask = slots * 2 - 1;
    this.f64 = new Float64Array(slots * 2 * words);
    this.u32 = new Uint32Array(this.f64.buffer);
    for (let s = 0; s < slots; s++) {
      const a = u32[s * words * 2]!;
      const b = u32[s * words * 2 + 1]!;
      if (a !== 0 || b !== 0) this.place(a, b, f64[s * words + 1]!, words === 3 ? f64[s * words + 2]! : 0);
    }
  }

  private place(a: number, b: number, ref: number, order: number): void {
    const w2 = this.words * 2;
    let i = a & this.mask;
    while (this.u32[i * w2] !== 0 || this.u32[i * w2 + 1] !== 0) i = (i + 1) & this.mask;
    this.put(i, a, b, ref, order);
  }

  private slotOf(a: number, b: number): number {
    const w2 = this.words * 2;
    let i = a & this.mask;
    for (;;) {
      const x = this.u32[i * w2]!;
      const y = this.u32[i * w2 + 1]!;
      if (x === a && y === b) return i;
      if (x === 0 && y === 0) return -1;
      i = (i + 1) & this.mask;
    }
  }

  /**
   * The entries inserted or changed since the last call, as little-endian records (hash, ref and, for
   * `latest`, order). Persisting these per batch keeps a commit's cost proportional to the batch, where
   * serialising the whole table at every commit grew with the data and blocked the event loop for
   * seconds (heartbeats timed out) once millions of keys were held.
   */
  takeChanges(): Uint8Array {
    const w = this.words;
    const width = w * 8;
    const pending = this.pending;
    this.pending = [];
    const bytes = new Uint8Array((pending.length / 2) * width);
    const view = new DataView(bytes.buffer);
    let o = 0;
    for (let p = 0; p < pending.length; p += 2) {
      const slot = this.slotOf(pending[p]!, pending[p + 1]!);
      view.setUint32(o, pending[p]!, true);
      view.setUint32(o + 4, pending[p + 1]!, true);
      view.setFloat64(o + 8, this.f64[slot * w + 1]!, true);
      if (w === 3) view.setFloat64(o + 16, this.f64[slot * w + 2]!, true);
      o += width;
    }
    return bytes;
  }

  /** Replays records from takeChanges(), in the order they were taken: later records overwrite earlier ones. */
  applyChanges(bytes: Uint8Array): void {
    const w = this.words;
    const width = w * 8;
    if (bytes.length % width !== 0) throw new RangeError('dedup change records do not match the survivorship');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let o = 0; o < bytes.length; o += width) {
      const a = view.getUint32(o, true);
      const b = view.getUint32(o + 4, true);
      const ref = view.getFloat64(o + 8, true);
      const order = w === 3 ? view.getFloat64(o + 16, true) : 0;
      const slot = this.slotOf(a, b);
      if (slot >= 0) this.put(slot, a, b, ref, order);
      else {
        this.place(a, b, ref, order);
        if (++this.count > (this.mask + 1) * MAX_LOAD) this.grow();
      }
    }
  }

  /** The checkpoint's part of the tracker when its entries are kept as change records: settings and size only. */
  header(): DuplicateTrackerState {
    const { key, survivorship, orderBy } = this.spec;
    return { version: 2, key: [...key], survivorship, ...(orderBy === undefined ? {} : { orderBy }), size: this.count };
  }

  /**
   * The checkpoint grows with the distinct keys (about 22 base64 characters per key under `first`, 32 under
   * `latest`), so past some tens of thousands of keys it belongs beside the staging table rather than in a
   * heartbeat payload (Temporal refuses payloads over 2 MB).
   */
  toJSON(): DuplicateTrackerState {
    const w = this.words;
    const width = w * 8;
    const bytes = new Uint8Array(this.count * width);
    const view = new DataView(bytes.buffer);
    let o = 0;
    for (let s = 0; s < this.f64.length / w; s++) {
      const a = this.u32[s * w * 2]!;
      const b = this.u32[s * w * 2 + 1]!;
      if (a === 0 && b === 0) continue;
      view.setUint32(o, a, true);
      view.setUint32(o + 4, b, true);
      view.setFloat64(o + 8, this.f64[s * w + 1]!, true);
      if (w === 3) view.setFloat64(o + 16, this.f64[s * w + 2]!, true);
      o += width;
    }
    const { key, survivorship, orderBy } = this.spec;
    return {
      version: 1,
      key: [...key],
      survivorship,
      ...(orderBy === undefined ? {} : { orderBy }),
      size: this.count,
      entries: encodeBase64(bytes),
    };
  }

  /** Restores a checkpoint; `columns` may be in a different order from when it was taken. */
  static fromJSON(state: DuplicateTrackerState, columns: readonly string[]): DuplicateTracker {
    if (state.version === 2) {
      const spec: DedupSpec = { key: state.key, survivorship: state.survivorship, ...(state.orderBy === undefined ? {} : { orderBy: state.orderBy }) };
      return new DuplicateTracker(spec, columns, state.size);
    }
    if (state.version !== 1 || state.entries === undefined) throw new RangeError(`unsupported dedup checkpoint version ${String(state.version)}`);
    const spec: DedupSpec = {
      key: state.key,
      survivorship: state.survivorship,
      ...(state.orderBy === undefined ? {} : { orderBy: state.orderBy }),
    };
    const tracker = new DuplicateTracker(spec, columns, state.size);
    const bytes = decodeBase64(state.entries);
    const width = tracker.words * 8;
    if (bytes.length !== state.size * width) throw new RangeError('dedup checkpoint is truncated or does not match its survivorship');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let o = 0; o < bytes.length; o += width) {
      const a = view.getUint32(o, true);
      const b = view.getUint32(o + 4, true);
      tracker.place(a, b, view.getFloat64(o + 8, true), width === 24 ? view.getFloat64(o + 16, true) : 0);
      // A whole-table checkpoint continued as change records: its first record must hold every entry.
      tracker.pending.push(a, b);
    }
    tracker.count = state.size;
    return tracker;
  }
}
