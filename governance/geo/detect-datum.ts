// Which datum a set of points is in. A point alone cannot say: a WGS-84, a GCJ-02 and a BD-09 reading of
// the same place are all valid coordinates a few hundred metres apart, and nothing in the numbers marks
// one. Detection needs context in a known datum, and it only decides when the context tells the
// candidates apart:
//   - datumByPairs: the same places known in a datum (landmarks, surveyed addresses). Decisive whenever
//     a few pairs are available: the right datum brings them to within metres, the wrong ones leave
//     the 300-700 m offsets.
//   - datumByBoundary: a boundary in a known datum. Each candidate reading is moved into the boundary's
//     datum and the share of points landing inside is compared. It can only tell datums apart through
//     points within the offset (hundreds of metres) of an edge, so a sample deep inside one polygon is
//     undecided. Given each point's expected feature (the record's own town column, say), town
//     boundaries, with many more edges, discriminate far better than a district outline.
// Both answer `null` (undecided) rather than guess; a declared source datum is always better evidence.
import type { Boundary } from './boundary.ts';
import { convertDatum, DATUMS, metresBetween, type Datum, type LngLat } from './datum.ts';

export interface DatumGuess {
  /** The datum the evidence points to, or null when it does not decide. */
  readonly datum: Datum | null;
  /** Per candidate: median distance in metres (pairs) or share of points inside (boundary). */
  readonly scores: Readonly<Record<Datum, number>>;
  readonly why: string;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Observed points paired with the same places' coordinates in `knownDatum`. Decides when the best
 * candidate's median error is under `maxMetres` (default 30) and the runner-up's is at least 5 times larger.
 */
export function datumByPairs(pairs: readonly { observed: LngLat; known: LngLat }[], knownDatum: Datum, maxMetres = 30): DatumGuess {
  const scores = {} as Record<Datum, number>;
  for (const d of DATUMS) {
    scores[d] = pairs.length
      ? median(
          pairs.map(({ observed, known }) => {
            const [x, y] = convertDatum(observed[0], observed[1], d, knownDatum);
            return metresBetween(x, y, known[0], known[1]);
          }),
        )
      : Number.NaN;
  }
  if (pairs.length === 0) return { datum: null, scores, why: 'no pairs' };
  const ranked = DATUMS.slice().sort((a, b) => scores[a] - scores[b]);
  const [best, second] = [ranked[0]!, ranked[1]!];
  if (scores[best] > maxMetres) return { datum: null, scores, why: `the best reading (${best}) is still ${scores[best].toFixed(1)} m off` };
  if (scores[second] < 5 * scores[best]) return { datum: null, scores, why: `${best} and ${second} fit about equally well` };
  return { datum: best, scores, why: `${best} brings the points to within ${scores[best].toFixed(1)} m (median)` };
}

/**
 * Points that should all lie inside `boundary` (drawn in `boundaryDatum`), or, with `expected`, each
 * inside the feature of that name. Decides when the best candidate's share beats the runner-up's by at
 * least `margin` (default 0.05) of the points. A point on an edge counts for every candidate feature.
 */
export function datumByBoundary(
  points: readonly LngLat[],
  boundary: Boundary,
  boundaryDatum: Datum,
  options: { expected?: readonly (string | null)[]; margin?: number } = {},
): DatumGuess {
  const { expected, margin = 0.05 } = options;
  const scores = {} as Record<Datum, number>;
  for (const d of DATUMS) {
    let inside = 0;
    points.forEach(([lng, lat], i) => {
      const [x, y] = convertDatum(lng, lat, d, boundaryDatum);
      const at = boundary.locate(x, y);
      const want = expected?.[i];
      if (at.status !== 'outside' && (want == null || at.candidates.some((f) => f.name === want))) inside++;
    });
    scores[d] = points.length ? inside / points.length : Number.NaN;
  }
  if (points.length === 0) return { datum: null, scores, why: 'no points' };
  const ranked = DATUMS.slice().sort((a, b) => scores[b] - scores[a]);
  const [best, second] = [ranked[0]!, ranked[1]!];
  if (scores[best] - scores[second] < margin) {
    return { datum: null, scores, why: `${best} and ${second} put about the same share inside: too few points near an edge to tell` };
  }
  return { datum: best, scores, why: `${best} puts ${(scores[best] * 100).toFixed(1)} % inside, ${second} ${(scores[second] * 100).toFixed(1)} %` };
}
