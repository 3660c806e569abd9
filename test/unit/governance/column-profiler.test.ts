import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';
import { ColumnProfiler, TableProfiler } from '../../../governance/profile/column-profiler.ts';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';

const COLUMNS = ['id', 'citizen_id', 'name', 'mobile', 'amount', 'opened', 'active', 'code', 'note'];
const NAMES = ['王伟', '李娜', '张敏', '刘洋', '陈静', '欧阳娜娜'];

function makeRows(n: number, seed: number): (string | null)[][] {
  const rand = mulberry32(seed);
  const int = (k: number) => Math.floor(rand() * k);
  const rows: (string | null)[][] = [];
  for (let i = 0; i < n; i++) {
    const first17 = `310112${1950 + int(60)}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}${String(int(1000)).padStart(3, '0')}`;
    // About 2% get a forced '0' check char; most of those are wrong checksums.
    const idCheck = rand() < 0.02 ? '0' : citizenIdCheckChar(first17);
    rows.push([
      String(i + 1),
      first17 + idCheck,
      NAMES[int(NAMES.length)]!,
      rand() < 0.1 ? '' : `13${int(10)}${String(int(1e8)).padStart(8, '0')}`,
      (int(2_000_000) / 100 - 5000).toFixed(2),
      `20${10 + int(14)}-0${1 + int(9)}-1${int(10)}`,
      rand() < 0.5 ? 'true' : 'false',
      String(int(10_000)).padStart(5, '0'),
      rand() < 0.7 ? null : `备注${int(50)}`,
    ]);
  }
  return rows;
}

function profileAll(rows: (string | null)[][]): TableProfiler {
  const t = new TableProfiler(COLUMNS);
  for (const r of rows) t.addRow(r);
  return t;
}

describe('ColumnProfiler', () => {
  it('counts nulls (null and empty string), lengths and lexical extremes', () => {
    const p = new ColumnProfiler('city');
    for (const v of ['上海', null, '', 'Beijing', 'Anqing', null]) p.add(v);
    const r = p.result();
    expect(r).toMatchObject({
      name: 'city',
      rows: 6,
      nulls: 3,
      nullRate: 0.5,
      min: 'Anqing',
      max: '上海',
      minLength: 2,
      maxLength: 7,
      inferredType: 'text',
      semanticType: null,
      semanticChecked: 0,
      semanticValid: 0,
    });
    expect(r.distinctEstimate).toBe(3);
    expect(r.topPatterns.map((x) => x.pattern)).toEqual(['Aa{5}', 'Aa{6}', '汉汉']);
  });

  it('orders numeric columns numerically', () => {
    const p = new ColumnProfiler('qty');
    for (const v of ['9', '10', '-3', '100', '2']) p.add(v);
    expect(p.result()).toMatchObject({ inferredType: 'integer', min: '-3', max: '100' });
    const q = new ColumnProfiler('price');
    for (const v of ['9.5', '10.25', '-0.5', '1']) q.add(v);
    expect(q.result()).toMatchObject({ inferredType: 'numeric', min: '-0.5', max: '10.25' });
  });

  it('falls back to lexical order when a numeric-looking column turns out to be text', () => {
    const p = new ColumnProfiler('code');
    for (const v of ['9', '10', '0123']) p.add(v);
    expect(p.result()).toMatchObject({ inferredType: 'text', min: '0123', max: '9' });
  });

  it('profiles an all-null column', () => {
    const p = new ColumnProfiler('empty');
    for (let i = 0; i < 10; i++) p.add(i % 2 ? null : '');
    expect(p.result()).toEqual({
      name: 'empty',
      rows: 10,
      nulls: 10,
      nullRate: 1,
      distinctEstimate: 0,
      min: null,
      max: null,
      minLength: null,
      maxLength: null,
      inferredType: 'text',
      semanticType: null,
      semanticChecked: 0,
      semanticValid: 0,
      topPatterns: [],
    });
  });

  it('detects the semantic type on the first 1000 values and then validates every value', () => {
    const p = new ColumnProfiler('phone');
    for (let i = 0; i < 5000; i++) {
      p.add(i % 50 === 7 ? `12${String(i).padStart(9, '0')}` : `139${String(i).padStart(8, '0')}`);
      if (i % 3 === 0) p.add(null);
    }
    const r = p.result();
    expect(r.semanticType).toBe('mobile');
    expect(r.semanticChecked).toBe(5000);
    expect(r.semanticValid).toBe(4900);
    // Every value is a plain 11-digit integer, yet a phone number must never become a number.
    expect(r.inferredType).toBe('text');
    expect(r.min).toBe('12000000007');
  });

  it('keeps 15-digit legacy citizen IDs as text', () => {
    const p = new ColumnProfiler('old_id');
    for (let i = 0; i < 100; i++) p.add(`310112${String(500101 + (i % 28)).padStart(6, '0')}${String(100 + i).slice(-3)}`);
    const r = p.result();
    expect(r.semanticType).toBe('citizen_id');
    expect(r.inferredType).toBe('text');
  });

  it('judges short columns on the values they have', () => {
    const p = new ColumnProfiler('phone');
    for (let i = 0; i < 30; i++) p.add(`1380000${String(i).padStart(4, '0')}`);
    p.add('not a phone');
    const r = p.result();
    expect(r.semanticType).toBe('mobile');
    expect(r.semanticChecked).toBe(31);
    expect(r.semanticValid).toBe(30);
    // result() must not consume the buffer: asking twice gives the same answer.
    expect(p.result()).toEqual(r);
  });

  it('samples patterns: every value up to 10,000, then every 64th', () => {
    const p = new ColumnProfiler('v');
    for (let i = 0; i < 20_000; i++) p.add('ab');
    expect(p.result().topPatterns).toEqual([{ pattern: 'aa', count: 10_156, share: 1 }]);
  });

  it('estimates distinct values', () => {
    const p = new ColumnProfiler('k');
    for (let i = 0; i < 50_000; i++) p.add(`key-${i % 20_000}`);
    const d = p.result().distinctEstimate;
    expect(Math.abs(d / 20_000 - 1)).toBeLessThan(0.05);
  });
});

describe('TableProfiler', () => {
  const rows = makeRows(30_000, 99);
  const expected = profileAll(rows).results();

  it('profiles realistic columns', () => {
    const byName = new Map(expected.map((r) => [r.name, r]));
    expect(byName.get('id')).toMatchObject({ inferredType: 'integer', min: '1', max: '30000', nulls: 0 });
    expect(byName.get('citizen_id')!.semanticType).toBe('citizen_id');
    const ids = byName.get('citizen_id')!;
    expect(ids.semanticChecked).toBe(30_000);
    expect(ids.semanticValid / ids.semanticChecked).toBeGreaterThan(0.97);
    expect(ids.semanticValid).toBeLessThan(30_000);
    expect(byName.get('name')!.semanticType).toBe('chinese_name');
    expect(byName.get('mobile')).toMatchObject({ semanticType: 'mobile', inferredType: 'text' });
    expect(byName.get('mobile')!.nullRate).toBeGreaterThan(0.08);
    expect(byName.get('amount')!.inferredType).toBe('numeric');
    expect(Number(byName.get('amount')!.min)).toBeLessThan(-4000);
    expect(byName.get('opened')).toMatchObject({ inferredType: 'date', semanticType: 'date' });
    expect(byName.get('active')).toMatchObject({ inferredType: 'boolean' });
    expect(byName.get('active')!.distinctEstimate).toBe(2);
    expect(byName.get('code')).toMatchObject({ inferredType: 'text', minLength: 5, maxLength: 5 });
    expect(byName.get('code')!.topPatterns).toEqual([{ pattern: '9{5}', count: 10_000 + 312, share: 1 }]);
    expect(byName.get('note')!.nullRate).toBeGreaterThan(0.65);
  });

  it.each([0, 1, 500, 999, 1000, 1001, 9_999, 10_000, 17_777, 29_999, 30_000])('resumes from a JSON checkpoint after %i rows with identical results', (cut) => {
    const first = new TableProfiler(COLUMNS);
    for (const r of rows.slice(0, cut)) first.addRow(r);
    const state = JSON.parse(JSON.stringify(first.toState()));
    const resumed = TableProfiler.fromState(state);
    for (const r of rows.slice(cut)) resumed.addRow(r);
    expect(resumed.results()).toEqual(expected);
    expect(JSON.stringify(resumed.toState())).toBe(JSON.stringify(profileAll(rows).toState()));
  });

  it('survives several checkpoints in a row', () => {
    let t = new TableProfiler(COLUMNS);
    for (let i = 0; i < rows.length; i++) {
      if (i % 7_000 === 3) t = TableProfiler.fromState(JSON.parse(JSON.stringify(t.toState())));
      t.addRow(rows[i]!);
    }
    expect(t.results()).toEqual(expected);
  });

  it('treats missing trailing values as null and ignores extra ones', () => {
    const t = new TableProfiler(['a', 'b']);
    t.addRow(['1']);
    t.addRow(['2', 'x', 'ignored']);
    const [a, b] = t.results();
    expect(a).toMatchObject({ rows: 2, nulls: 0, max: '2' });
    expect(b).toMatchObject({ rows: 2, nulls: 1, min: 'x', max: 'x' });
  });

  it('rejects an unknown state version', () => {
    expect(() => TableProfiler.fromState({ version: 2 } as never)).toThrow(RangeError);
  });
});
