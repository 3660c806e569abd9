import { describe, expect, it } from 'vitest';
import { DEFAULT_BLOCKING, forEachCandidatePair } from '../../../../governance/fuse/blocking.ts';
import type { Features } from '../../../../governance/fuse/features.ts';

/** A small seeded generator, so a failure names a reproducible case. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Records drawn from tiny alphabets, so keys collide often and blocks of every size occur. */
function features(size: number, seed: number): Features {
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const maybe = <T>(value: T): T | null => (next() < 0.2 ? null : value);
  const f: Features = {
    entity: 'person',
    size,
    idStem: [],
    id: [],
    idChecks: [],
    name: [],
    namePinyin: [],
    birth: [],
    gender: [],
    phone: [],
    person: [],
    address: [],
  };
  for (let r = 0; r < size; r++) {
    const name = maybe(pick(['张伟', '章伟', '李娜', '王芳', '张', '王小明']));
    f.idStem.push(maybe(pick(['31010119900101123', '31010119900101124', '31011219850505111'])));
    f.id.push(null);
    f.idChecks.push(false);
    f.name.push(name);
    f.namePinyin.push(name === null ? null : pick(['zhang wei', 'li na', 'wang fang']));
    f.birth.push(maybe(pick(['1990-01-01', '1985-05-05', '2001-12-31'])));
    f.gender.push(null);
    f.phone.push(maybe(pick(['13800000001', '13800000002', '13900000003', '13700000004'])));
    f.person.push(null);
    const door = maybe(pick(['沪闵路1号', '虹梅路43弄', '莘松路380号']));
    f.address.push(door === null ? null : { full: door, door, tokens: [door] });
  }
  return f;
}

/** The same rules by brute force: key strings, a Map of blocks, every pair once under its first rule. */
function reference(f: Features, maxBlock: number): Map<string, number> {
  const pairs = new Map<string, number>();
  const parts: (string | null)[] = [null, null];
  DEFAULT_BLOCKING.forEach((rule, k) => {
    const blocks = new Map<string, number[]>();
    for (let r = 0; r < f.size; r++) {
      if (!rule.parts(f, r, parts)) continue;
      const key = JSON.stringify(parts);
      blocks.set(key, [...(blocks.get(key) ?? []), r]);
    }
    for (const block of blocks.values()) {
      if (block.length > maxBlock) continue;
      for (let a = 0; a < block.length; a++)
        for (let b = a + 1; b < block.length; b++) {
          const pair = `${block[a]}-${block[b]}`;
          if (!pairs.has(pair)) pairs.set(pair, k);
        }
    }
  });
  return pairs;
}

describe('forEachCandidatePair', () => {
  for (const [size, maxBlock, seed] of [
    [60, 200, 1],
    [400, 25, 2],
    [2000, 60, 3],
  ] as const) {
    it(`proposes exactly the pairs that share a key, each once under its first rule (${size} records, blocks up to ${maxBlock})`, () => {
      const f = features(size, seed);
      const seen = new Map<string, number>();
      const stats = forEachCandidatePair(f, DEFAULT_BLOCKING, maxBlock, (i, j, rule) => {
        expect(i).toBeLessThan(j);
        const pair = `${i}-${j}`;
        expect(seen.has(pair)).toBe(false);
        seen.set(pair, rule);
      });
      const want = reference(f, maxBlock);
      expect(seen.size).toBe(want.size);
      expect([...seen].sort()).toEqual([...want].sort());
      expect(stats.reduce((n, s) => n + s.pairs, 0)).toBe(want.size);
      if (maxBlock < 200) expect(stats.some((s) => s.skippedBlocks > 0)).toBe(true);
    });
  }

  it('visits blocks in the order their second record appears, records in order within a block', () => {
    const f = features(300, 9);
    const order: [number, number][] = [];
    forEachCandidatePair(f, DEFAULT_BLOCKING.slice(0, 1), 1000, (i, j) => order.push([i, j]));
    const seen = new Map<string, number>();
    const secondOfBlock = new Map<string, number>();
    for (let r = 0; r < f.size; r++) {
      const key = f.idStem[r];
      if (!key) continue;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      if (seen.get(key) === 2) secondOfBlock.set(key, r);
    }
    const blockStarts = order.map(([i]) => secondOfBlock.get(f.idStem[i]!)!);
    expect(blockStarts).toEqual([...blockStarts].sort((a, b) => a - b));
    for (let e = 1; e < order.length; e++) {
      const [i0, j0] = order[e - 1]!;
      const [i1, j1] = order[e]!;
      if (f.idStem[i0] === f.idStem[i1]) expect(i0 < i1 || (i0 === i1 && j0 < j1)).toBe(true);
    }
  });
});
