import { describe, expect, it } from 'vitest';
import { TableProfiler } from '../../../governance/profile/column-profiler.ts';
import { mergeTableProfiles } from '../../../governance/profile/merge-profiles.ts';
import { citizenIdCheckChar } from '../../../governance/semantic/citizen-id.ts';
import { mulberry32 } from '../../../samples/generator/mulberry32.ts';

const COLUMNS = ['id', 'citizen_id', 'mobile', 'amount', 'opened', 'note', 'sparse'];

function makeRows(n: number, seed: number): (string | null)[][] {
  const rand = mulberry32(seed);
  const int = (k: number) => Math.floor(rand() * k);
  return Array.from({ length: n }, (_, i) => {
    const first17 = `310112${1950 + int(60)}${String(1 + int(12)).padStart(2, '0')}${String(1 + int(28)).padStart(2, '0')}${String(int(1000)).padStart(3, '0')}`;
    return [
      String(i + 1),
      first17 + (rand() < 0.02 ? '0' : citizenIdCheckChar(first17)),
      rand() < 0.1 ? '' : `13${int(10)}${String(int(1e8)).padStart(8, '0')}`,
      (int(2_000_000) / 100 - 5000).toFixed(2),
      `20${10 + int(14)}-0${1 + int(9)}-1${int(10)}`,
      rand() < 0.7 ? null : `备注${int(50)}`,
      i % 97 === 0 ? `s${i}` : null,
    ];
  });
}

function profile(rows: (string | null)[][]) {
  const p = new TableProfiler(COLUMNS);
  for (const r of rows) p.addRow(r);
  return p.toState();
}

/** The merged profile of consecutive parts, as the catalogue records it. */
function mergedResults(rows: (string | null)[][], cuts: number[]) {
  const bounds = [0, ...cuts, rows.length];
  const parts = bounds.slice(1).map((end, i) => profile(rows.slice(bounds[i], end)));
  return TableProfiler.fromState(JSON.parse(JSON.stringify(mergeTableProfiles(parts)))).results();
}

describe('merging the profiles of key ranges', () => {
  it('equals one pass over all rows (fewer values than the pattern sample)', () => {
    const rows = makeRows(9_000, 7);
    const one = TableProfiler.fromState(profile(rows)).results();
    expect(mergedResults(rows, [3_000, 6_000])).toEqual(one);
    // Ranges smaller than the semantic sample: the first values in key order decide, as in one pass.
    expect(mergedResults(rows, [400, 900, 1_200])).toEqual(one);
  });

  it('keeps exact counts, bounds, types, distinct estimates and semantic counts past the pattern sample', () => {
    const rows = makeRows(60_000, 11);
    const one = TableProfiler.fromState(profile(rows)).results();
    const merged = mergedResults(rows, [20_000, 41_000]);
    const withoutPatterns = (results: typeof one) => results.map(({ topPatterns, ...rest }) => rest);
    expect(withoutPatterns(merged)).toEqual(withoutPatterns(one));
    // Patterns are sampled per range (each range's first 10,000 values, then every 64th): their totals add up.
    expect(merged.map((c) => c.topPatterns.length)).toEqual(one.map((c) => c.topPatterns.length));
  });

  it('an empty range changes nothing', () => {
    const rows = makeRows(2_000, 3);
    const one = TableProfiler.fromState(profile(rows)).results();
    expect(mergedResults(rows, [0, 1_000, 1_000])).toEqual(one);
  });
});
