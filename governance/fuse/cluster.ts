// Clusters from matched pairs: strongest pairs first, union-find, and two clusters never join when
// that would put two different valid IDs in one entity or a pair a reviewer rejected.

export interface Edge {
  i: number;
  j: number;
  score: number;
}

export interface ClusterInput {
  size: number;
  /** Matched pairs (score at or above the threshold) plus reviewer-accepted ones (score +Infinity). */
  edges: Edge[];
  /** ID stem per record (null: none): a cluster holds at most one. */
  idStem: readonly (string | null)[];
  /** Pairs a reviewer said are different entities. */
  cannotLink?: readonly (readonly [number, number])[];
}

export interface Clusters {
  /** Cluster number per record (the root's index). */
  root: Int32Array;
  /** Pairs left apart because joining them would merge two IDs or a rejected pair. */
  refused: Edge[];
}

export function cluster(input: ClusterInput): Clusters {
  const n = input.size;
  const parent = new Int32Array(n);
  for (let r = 0; r < n; r++) parent[r] = r;
  const members: (number[] | undefined)[] = new Array(n);
  const stem: (string | null)[] = input.idStem.slice(0, n);
  const apart = new Map<number, number[]>();
  for (const [a, b] of input.cannotLink ?? []) {
    (apart.get(a) ?? apart.set(a, []).get(a)!).push(b);
    (apart.get(b) ?? apart.set(b, []).get(b)!).push(a);
  }
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    while (parent[x] !== r) {
      const next = parent[x]!;
      parent[x] = r;
      x = next;
    }
    return r;
  };
  const membersOf = (root: number): number[] => members[root] ?? [root];
  const kept = (a: number, b: number): boolean => {
    if (!apart.size) return false;
    const small = membersOf(a).length <= membersOf(b).length ? a : b;
    const other = small === a ? b : a;
    for (const m of membersOf(small)) for (const x of apart.get(m) ?? []) if (find(x) === other) return true;
    return false;
  };
  const edges = [...input.edges].sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const refused: Edge[] = [];
  for (const e of edges) {
    let a = find(e.i);
    let b = find(e.j);
    if (a === b) continue;
    // A reviewer's accepted pair (infinite score) joins even across two IDs: the person has looked.
    const twoIds = stem[a] !== null && stem[b] !== null && stem[a] !== stem[b];
    if ((twoIds && Number.isFinite(e.score)) || kept(a, b)) {
      refused.push(e);
      continue;
    }
    if (membersOf(a).length < membersOf(b).length) [a, b] = [b, a];
    parent[b] = a;
    const joined = membersOf(a);
    members[a] = joined;
    for (const m of membersOf(b)) joined.push(m);
    members[b] = undefined;
    stem[a] ??= stem[b]!;
  }
  const root = new Int32Array(n);
  for (let r = 0; r < n; r++) root[r] = find(r);
  return { root, refused };
}
