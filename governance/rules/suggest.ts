// "Did you mean" suggestions for unknown rule ids, columns and parameters.

function distance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  const cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    for (let j = 0; j <= b.length; j++) prev[j] = cur[j]!;
  }
  return prev[b.length]!;
}

/**
 * Up to `limit` candidates close to `word`: small edit distance (case-insensitive), or sharing a dotted
 * segment (`mobile` suggests `mobile.valid` and `normalise.mobile`). Closest first.
 */
export function closeMatches(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const w = word.toLowerCase();
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    let score = distance(w, c);
    for (const part of c.split('.')) score = Math.min(score, distance(w, part) + 1);
    if (c.includes(w) && w.length >= 3) score = Math.min(score, 1);
    if (score <= Math.max(2, Math.floor(w.length / 3))) scored.push({ candidate, score });
  }
  scored.sort((x, y) => x.score - y.score || x.candidate.localeCompare(y.candidate));
  return scored.slice(0, limit).map((s) => s.candidate);
}
