import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../../../governance/rules/base64.ts';
import { DuplicateTracker, type DedupDecision, type DedupSpec } from '../../../governance/rules/dedup.ts';
import { hashKeyParts } from '../../../governance/rules/key-hash.ts';

const COLUMNS = ['id', 'citizen_id', 'updated_at'];
type Row = [string, string | null, string | null];

function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/** The obvious model: a Map from the key text to the kept row. */
function reference(spec: DedupSpec, rows: readonly Row[]): DedupDecision[] {
  const kept = new Map<string, { ref: number; order: number }>();
  return rows.map((row, ref) => {
    const key = row[1];
    if (key === null) return { keep: true };
    const order = row[2] === null ? -Infinity : Date.parse(row[2]);
    const prev = kept.get(key);
    if (prev === undefined) {
      kept.set(key, { ref, order });
      return { keep: true };
    }
    if (spec.survivorship === 'latest' && order > prev.order) {
      kept.set(key, { ref, order });
      return { keep: true, replaces: prev.ref };
    }
    return { keep: false, duplicateOf: prev.ref };
  });
}

function randomRows(seed: number, count: number, distinct: number): Row[] {
  const rand = xorshift32(seed);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const key = rand() < 0.01 ? null : `3101121980${String(Math.floor(rand() * distinct)).padStart(8, '0')}`;
    const ts = new Date(Date.UTC(2020, 0, 1) + Math.floor(rand() * 1000) * 86_400_000).toISOString();
    rows.push([String(i), key, rand() < 0.01 ? null : ts.replace('.000Z', 'Z')]);
  }
  return rows;
}

/** Feeds rows in batches, checkpointing through JSON text between batches, as an activity would on retry. */
function runWithCheckpoints(spec: DedupSpec, rows: readonly Row[], batch: number): DedupDecision[] {
  let tracker = new DuplicateTracker(spec, COLUMNS);
  const out: DedupDecision[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % batch === 0) {
      const text = JSON.stringify(tracker);
      // Columns may come back in another order after a restart; the checkpoint stores names, not positions.
      tracker = DuplicateTracker.fromJSON(JSON.parse(text), COLUMNS);
    }
    out.push(tracker.offer(rows[i]!, i));
  }
  return out;
}

describe('DuplicateTracker', () => {
  const first: DedupSpec = { key: ['citizen_id'], survivorship: 'first' };
  const latest: DedupSpec = { key: ['citizen_id'], survivorship: 'latest', orderBy: 'updated_at' };

  it('first: the first row seen wins', () => {
    const t = new DuplicateTracker(first, COLUMNS);
    expect(t.offer(['1', 'A', '2021-01-01'], 1)).toEqual({ keep: true });
    expect(t.offer(['2', 'B', '2021-01-01'], 2)).toEqual({ keep: true });
    expect(t.offer(['3', 'A', '2022-01-01'], 3)).toEqual({ keep: false, duplicateOf: 1 });
    expect(t.size).toBe(2);
  });

  it('latest: a newer row replaces the kept one; older and equal rows are duplicates', () => {
    const t = new DuplicateTracker(latest, COLUMNS);
    expect(t.offer(['1', 'A', '2021-01-01T00:00:00+08:00'], 1)).toEqual({ keep: true });
    expect(t.offer(['2', 'A', '2020-12-31T23:00:00+08:00'], 2)).toEqual({ keep: false, duplicateOf: 1 });
    expect(t.offer(['3', 'A', '2021-01-01T00:00:00+08:00'], 3)).toEqual({ keep: false, duplicateOf: 1 });
    expect(t.offer(['4', 'A', '2021-01-01T00:00:01+08:00'], 4)).toEqual({ keep: true, replaces: 1 });
    expect(t.offer(['5', 'A', '2021-01-01T00:00:00Z'], 5)).toEqual({ keep: true, replaces: 4 });
    expect(t.offer(['6', 'A', null], 6)).toEqual({ keep: false, duplicateOf: 5 });
    expect(t.offer(['7', 'A', 'not a time'], 7)).toEqual({ keep: false, duplicateOf: 5 });
  });

  it('latest: an unreadable order value loses to any readable one', () => {
    const t = new DuplicateTracker(latest, COLUMNS);
    expect(t.offer(['1', 'A', null], 1)).toEqual({ keep: true });
    expect(t.offer(['2', 'A', '1999-01-01'], 2)).toEqual({ keep: true, replaces: 1 });
  });

  it('latest: orders plain numbers too', () => {
    const t = new DuplicateTracker({ key: ['citizen_id'], survivorship: 'latest', orderBy: 'id' }, COLUMNS);
    t.offer(['10', 'A', null], 1);
    expect(t.offer(['9.5', 'A', null], 2)).toEqual({ keep: false, duplicateOf: 1 });
    expect(t.offer(['11', 'A', null], 3)).toEqual({ keep: true, replaces: 1 });
  });

  it('never matches rows whose key has a null part', () => {
    const t = new DuplicateTracker(first, COLUMNS);
    expect(t.offer(['1', null, null], 1)).toEqual({ keep: true });
    expect(t.offer(['2', null, null], 2)).toEqual({ keep: true });
    expect(t.size).toBe(0);
  });

  it('keys on several columns without confusing part boundaries', () => {
    const t = new DuplicateTracker({ key: ['id', 'citizen_id'], survivorship: 'first' }, COLUMNS);
    expect(t.offer(['ab', 'c', null], 1).keep).toBe(true);
    expect(t.offer(['a', 'bc', null], 2).keep).toBe(true);
    expect(t.offer(['ab', 'c', null], 3)).toEqual({ keep: false, duplicateOf: 1 });
    expect(t.offer(['', 'abc', null], 4).keep).toBe(true);
  });

  it('fails fast on a key or order column that is not in the data', () => {
    expect(() => new DuplicateTracker({ key: ['citizen'], survivorship: 'first' }, COLUMNS)).toThrow(
      "dedup key column 'citizen' is not a column (did you mean citizen_id?)",
    );
    expect(() => new DuplicateTracker({ key: ['citizen_id'], survivorship: 'latest' }, COLUMNS)).toThrow(/needs orderBy/);
    expect(() => new DuplicateTracker({ key: ['citizen_id'], survivorship: 'latest', orderBy: 'updated' }, COLUMNS)).toThrow(/orderBy column 'updated'/);
    expect(() => new DuplicateTracker({ key: [], survivorship: 'first' }, COLUMNS)).toThrow(/at least one/);
    expect(() => new DuplicateTracker({ key: ['id'], survivorship: 'last' as never }, COLUMNS)).toThrow(/'first' or 'latest'/);
  });

  for (const spec of [first, latest]) {
    it(`${spec.survivorship}: matches a plain Map model across JSON checkpoints and table growth`, () => {
      const rows = randomRows(spec.survivorship === 'first' ? 7 : 11, 30_000, 12_000);
      const expected = reference(spec, rows);
      const straight = new DuplicateTracker(spec, COLUMNS);
      expect(rows.map((r, i) => straight.offer(r, i))).toEqual(expected);
      for (const batch of [1_000, 4_096, 29_999]) expect(runWithCheckpoints(spec, rows, batch)).toEqual(expected);
      expect(expected.some((d) => !d.keep)).toBe(true);
      if (spec.survivorship === 'latest') expect(expected.some((d) => d.keep && d.replaces !== undefined)).toBe(true);
    });
  }

  it('checkpoints hold 16 bytes per key under first and 24 under latest, and restore into reordered columns', () => {
    const a = new DuplicateTracker(first, COLUMNS);
    const b = new DuplicateTracker(latest, COLUMNS);
    for (let i = 0; i < 3000; i++) {
      a.offer([String(i), `K${i}`, '2021-01-01'], i);
      b.offer([String(i), `K${i}`, '2021-01-01'], i);
    }
    expect(decodeBase64(a.toJSON().entries!).length).toBe(3000 * 16);
    expect(decodeBase64(b.toJSON().entries!).length).toBe(3000 * 24);
    const moved = DuplicateTracker.fromJSON(b.toJSON(), ['updated_at', 'citizen_id', 'id']);
    expect(moved.size).toBe(3000);
    expect(moved.offer(['2021-01-02', 'K42', 'x'], 9000)).toEqual({ keep: true, replaces: 42 });
    expect(moved.offer(['2021-01-02', 'K43', 'x'], 9001)).toEqual({ keep: true, replaces: 43 });
    expect(moved.offer(['2020-01-02', 'K44', 'x'], 9002)).toEqual({ keep: false, duplicateOf: 44 });
    expect(moved.bytes).toBeLessThan(3000 * 24 * 3);
  });

  it('change records taken per batch and replayed rebuild a tracker that decides like the original', () => {
    for (const spec of [first, latest]) {
      const random = xorshift32(spec === first ? 7 : 11);
      const rows: Row[] = Array.from({ length: 6000 }, (_, i) => [
        String(i),
        `K${Math.floor(random() * 2500)}`,
        `2021-01-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
      ]);
      const original = new DuplicateTracker(spec, COLUMNS);
      const batches: Uint8Array[] = [];
      rows.slice(0, 4000).forEach((row, i) => {
        original.offer(row, i);
        if (i % 700 === 699) batches.push(original.takeChanges());
      });
      batches.push(original.takeChanges());
      const replayed = DuplicateTracker.fromJSON(original.header(), COLUMNS);
      for (const batch of batches) replayed.applyChanges(batch);
      expect(replayed.size).toBe(original.size);
      // Each batch holds only what changed in it, not the whole table.
      expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(original.size * (spec === first ? 16 : 24));
      for (const [i, row] of rows.slice(4000).entries()) expect(replayed.offer(row, 4000 + i)).toEqual(original.offer(row, 4000 + i));
    }
  });

  it('refuses damaged or foreign checkpoints', () => {
    const t = new DuplicateTracker(first, COLUMNS);
    t.offer(['1', 'A', null], 1);
    const state = t.toJSON();
    expect(() => DuplicateTracker.fromJSON({ ...state, version: 3 as never }, COLUMNS)).toThrow(/version/);
    expect(() => DuplicateTracker.fromJSON({ ...state, size: 2 }, COLUMNS)).toThrow(/truncated/);
    expect(() => DuplicateTracker.fromJSON({ ...state, survivorship: 'latest', orderBy: 'updated_at' }, COLUMNS)).toThrow(/truncated/);
    expect(() => DuplicateTracker.fromJSON(state, ['id', 'updated_at'])).toThrow(/citizen_id/);
  });
});

describe('key hashing', () => {
  it('gives 64 distinct-looking bits for a million keys', () => {
    const out = new Uint32Array(2);
    const seen = new Set<bigint>();
    for (let i = 0; i < 1_000_000; i++) {
      hashKeyParts([`31011219800101${String(i).padStart(4, '0')}`], [0], out);
      seen.add((BigInt(out[0]!) << 32n) | BigInt(out[1]!));
    }
    expect(seen.size).toBe(1_000_000);
  });
  it('reports a null part', () => {
    expect(hashKeyParts(['a', null], [0, 1], new Uint32Array(2))).toBe(false);
  });
});

describe('base64', () => {
  it('round-trips every length and matches the standard encoding', () => {
    const rand = xorshift32(3);
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
      const text = encodeBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(decodeBase64(text)).toEqual(bytes);
    }
    expect(() => decodeBase64('abc')).toThrow(/multiple of 4/);
    expect(() => decodeBase64('ab!c')).toThrow(/invalid/);
  });
});
