import { describe, expect, it } from 'vitest';
import { TypeInference, type PgType } from '../../../governance/profile/type-inference.ts';

function infer(values: readonly string[]): PgType {
  const t = new TypeInference();
  for (const v of values) t.add(v);
  return t.result();
}

describe('TypeInference', () => {
  it.each<[string[], PgType]>([
    [['12', '-5', '0'], 'integer'],
    [['2147483647', '-2147483648'], 'integer'],
    [['2147483648'], 'bigint'],
    [['12', '-9999999999'], 'bigint'],
    [['999999999999999'], 'bigint'], // 15 digits
    [['1.5'], 'numeric'],
    [['12', '1.5', '-0.25'], 'numeric'],
    [['0.000001234'], 'numeric'],
    [['true', 'false', 't', 'f', 'TRUE', 'F'], 'boolean'],
    [['2021-03-01', '1999-12-31'], 'date'],
    [['2021-03-01 10:00:00', '2021-03-01T23:59:59.123456'], 'timestamp'],
    [['2021-03-01', '2021-03-01 10:00'], 'timestamp'],
    [['2021-03-01T10:00:00Z', '2021-03-01 10:00:00+08:00', '2021-03-01T10:00+0800', '2021-03-01T10:00:00-05'], 'timestamptz'],
  ])('%j -> %s', (values, expected) => {
    expect(infer(values)).toBe(expected);
  });

  it.each<[string[]]>([
    [['0123']], // leading zero: a code, never a number
    [['12', '007']],
    [['-0123']],
    [['1234567890123456']], // 16 digits: an identifier
    [['110105194912310021']],
    [['13812345678', '+8613812345678']],
    [['1.2345678901234567']],
    [['yes', 'no']],
    [['1e5']],
    [['.5']],
    [['5.']],
    [[' 12']],
    [['2021-02-30']],
    [['2021/03/01']],
    [['2021-03-01', '2021-03-01T10:00:00Z']], // zoned and unzoned do not mix
    [['2021-03-01T24:00:00']],
    [['true', '1']],
    [['NaN']],
    [['-']],
  ])('%j -> text', (values) => {
    expect(infer(values)).toBe('text');
  });

  it('treats 0/1 as integers, not booleans', () => {
    expect(infer(['1', '0', '1'])).toBe('integer');
    expect(infer(['t', '1'])).toBe('text');
  });

  it('gives text when no value has been seen', () => {
    expect(infer([])).toBe('text');
  });

  it('stays text once eliminated, whatever follows', () => {
    const t = new TypeInference();
    t.add('abc');
    for (let i = 0; i < 100; i++) t.add(String(i));
    expect(t.result()).toBe('text');
    expect(t.numericAlive).toBe(false);
  });

  it('reports the parsed number while numeric types are alive', () => {
    const t = new TypeInference();
    t.add('-42');
    expect(t.lastNumber).toBe(-42);
    t.add('3.25');
    expect(t.lastNumber).toBe(3.25);
    expect(t.numericAlive).toBe(true);
    t.add('n/a');
    expect(t.numericAlive).toBe(false);
    expect(Number.isNaN(t.lastNumber)).toBe(true);
  });

  it('parses decimals to exactly the double Number() gives', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const t = new TypeInference();
    for (let n = 0; n < 20_000; n++) {
      const intPart = String(next() % 1_000_000);
      const frac = String(next()).slice(0, 1 + (next() % 9));
      const text = `${next() % 2 ? '-' : ''}${intPart}.${frac}`;
      t.add(text);
      expect(t.lastNumber, text).toBe(Number(text));
    }
    t.add('0.000000000000000000000001234');
    expect(t.lastNumber).toBe(1.234e-24);
    expect(t.result()).toBe('numeric');
  });

  it('round-trips its state', () => {
    const a = new TypeInference();
    a.add('12');
    a.add('3000000000');
    const b = TypeInference.fromState(JSON.parse(JSON.stringify(a.toState())));
    expect(b.result()).toBe('bigint');
    b.add('1.5');
    expect(b.result()).toBe('numeric');
  });
});
