import { describe, expect, it } from 'vitest';
import { PatternCounter, shapeOf } from '../../../governance/profile/patterns.ts';

describe('shapeOf', () => {
  it.each([
    ['13812345678', '9{11}'],
    ['2021-03-01', '9999-99-99'],
    ['Ab12', 'Aa99'],
    ['ABCDE-1', 'A{5}-9'],
    ['沪A12345', '汉A9{5}'],
    ['上海市闵行区江川路100号', '汉{9}999汉'],
    ['王伟', '汉汉'],
    ['\u{20BB7}明', '汉汉'],
    ['a b', 'a a'],
    ['91310112MA1GB1234X', '9{8}AA9AA9999A'],
    ['', ''],
    ['-----', '-{5}'],
  ])('%s -> %s', (value, shape) => {
    expect(shapeOf(value)).toBe(shape);
  });

  it('cuts very long values', () => {
    const s = shapeOf('x'.repeat(1000));
    expect(s).toBe('a{256}…');
  });
});

describe('PatternCounter', () => {
  it('reports the top patterns with counts and shares', () => {
    const c = new PatternCounter();
    for (let i = 0; i < 60; i++) c.add('9{11}');
    for (let i = 0; i < 30; i++) c.add('999-9999');
    for (let i = 0; i < 10; i++) c.add('a{5}');
    expect(c.top(2)).toEqual([
      { pattern: '9{11}', count: 60, share: 0.6 },
      { pattern: '999-9999', count: 30, share: 0.3 },
    ]);
  });

  it('holds at most its capacity and keeps heavy hitters exact', () => {
    const c = new PatternCounter(64);
    for (let i = 0; i < 10_000; i++) {
      c.add(i % 2 === 0 ? 'HEAVY' : `rare-${i}`);
      expect(c.size).toBeLessThanOrEqual(64);
    }
    const [first] = c.top(1);
    expect(first).toEqual({ pattern: 'HEAVY', count: 5000, share: 0.5 });
  });

  it('breaks ties by pattern text', () => {
    const c = new PatternCounter();
    for (const p of ['b', 'a', 'c']) c.add(p);
    expect(c.top(5).map((x) => x.pattern)).toEqual(['a', 'b', 'c']);
  });

  it('round-trips its state', () => {
    const c = new PatternCounter(4);
    for (const p of ['a', 'b', 'c', 'd', 'e', 'a', 'a']) c.add(p);
    const back = PatternCounter.fromState(JSON.parse(JSON.stringify(c.toState())));
    expect(back.top(5)).toEqual(c.top(5));
    back.add('f');
    c.add('f');
    expect(back.top(5)).toEqual(c.top(5));
  });
});
