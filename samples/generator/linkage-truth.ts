// Pairwise precision and recall of a record linkage against the generator's truth, by counting pairs.
//
// A cluster of n records holds n(n-1)/2 pairs, so grouping by predicted cluster, by true person, and by
// (cluster, person) gives every count without listing a single pair: linear in the number of records.

export interface PairwiseScores {
  /** correctPairs / predictedPairs; 1 when nothing was linked. */
  readonly precision: number;
  /** correctPairs / truePairs; 1 when no two records are the same person. */
  readonly recall: number;
  readonly f1: number;
  /** Pairs of records that are the same person. */
  readonly truePairs: number;
  /** Pairs of records put in one cluster. */
  readonly predictedPairs: number;
  /** Pairs put in one cluster that are the same person. */
  readonly correctPairs: number;
  readonly records: number;
}

const pairs = (n: number): number => (n * (n - 1)) / 2;

function countPairs<K>(groups: Map<K, number>): number {
  let total = 0;
  for (const n of groups.values()) total += pairs(n);
  return total;
}

function increment<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/**
 * Scores `predicted` (record ref → cluster id) against `truth` (record ref → person key). The truth is the
 * universe: a record the prediction leaves out is a singleton; a predicted record not in the truth is an error.
 * Record refs are `${source}:${recordId}` (see recordRef).
 */
export function pairwiseScores(predicted: ReadonlyMap<string, string | number>, truth: ReadonlyMap<string, string>): PairwiseScores {
  for (const ref of predicted.keys()) if (!truth.has(ref)) throw new RangeError(`predicted record ${ref} is not in the truth`);
  const byCluster = new Map<string | number, number>();
  const byPerson = new Map<string, number>();
  const byBoth = new Map<string, number>();
  for (const [ref, person] of truth) {
    increment(byPerson, person);
    const cluster = predicted.get(ref);
    if (cluster === undefined) continue;
    increment(byCluster, cluster);
    // The separator cannot occur in a number, and person keys are the generator's `P…` keys.
    increment(byBoth, `${typeof cluster}\u0000${cluster}\u0000${person}`);
  }
  const truePairs = countPairs(byPerson);
  const predictedPairs = countPairs(byCluster);
  const correctPairs = countPairs(byBoth);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, truePairs, predictedPairs, correctPairs, records: truth.size };
}

/** The truth map of records: ref → person key, from anything carrying source, recordId and personKey. */
export function truthMap(records: Iterable<{ source: string; recordId: string; personKey: string }>): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of records) m.set(`${r.source}:${r.recordId}`, r.personKey);
  return m;
}
