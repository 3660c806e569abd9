// Clusters from matched pairs: strongest pairs first, union-find, and two clusters never join when
// that would put two different valid IDs in one entity or a pair a reviewer rejected.
import type { EdgeList } from './edge-list.ts';

export interface ClusterInput {
  size: number;
  /** Matched pairs (score at or above the threshold) plus reviewer-accepted ones (score +Infinity). */
  edges: EdgeList;
  /** ID stem per record (null: none): a cluster holds at most one. */
  idStem: readonly (string | null)[];
  /** Pairs a reviewer said are different entities. */
  cannotLink?: readonly (readonly [number, number])[];
}

export interface Clusters {
  /** Cluster number per record (the root's index). */
  root: Int32Array;
  /** Edge numbers left apart because joining them would merge two IDs or a rejected pair. */
  refused: number[];
}

export function cluster(input: ClusterInput): Clusters {
  const n = input.size;
  const { edges } = input;
  const parent = new Int32Array(n);
  for (let r = 0; r < n; r++) parent[r] = r;
  const size = new Int32Array(n).fill(1);
  // The ID stems each root's cluster holds: one, except where a reviewer joined two IDs.
  const stems: (string[] | null)[] = input.idStem.slice(0, n).map((s) => (s === null ? null : [s]));
  const apart = new Map<number, number[]>();
  for (const [a, b] of input.cannotLink ?? []) {
    (apart.get(a) ?? apart.set(a, []).get(a)!).push(b);
    (apart.get(b) ?? apart.set(b, []).get(b)!).push(a);
  }
  // Members per root only when someone must be kept apart: checking a join then walks the smaller side.
  const members: (number[] | undefined)[] | undefined = apart.size ? new Array(n) : undefined;
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
  const membersOf = (root: number): number[] => members?.[root] ?? [root];
  const kept = (a: number, b: number): boolean => {
    if (!members) return false;
    const small = size[a]! <= size[b]! ? a : b;
    const other = small === a ? b : a;
    for (const m of membersOf(small)) for (const x of apart.get(m) ?? []) if (find(x) === other) return true;
    return false;
  };
  const refused: number[] = [];
  for (const e of edges.byScoreDescending()) {
    let a = find(edges.i[e]!);
    let b = find(edges.j[e]!);
    if (a === b) continue;
    // A reviewer's accepted pair (infinite score) joins even across two IDs: the person has looked.
    // Otherwise two clusters join only when they share an ID or one has none.
    const sa = stems[a]!;
    const sb = stems[b]!;
    const twoIds = sa !== null && sb !== null && !sa.some((x) => sb.includes(x));
    if ((twoIds && Number.isFinite(edges.score[e]!)) || kept(a, b)) {
      refused.push(e);
      continue;
    }
    if (size[a]! < size[b]!) [a, b] = [b, a];
    parent[b] = a;
    size[a] = size[a]! + size[b]!;
    if (members) {
      const joined = membersOf(a);
      for (const m of membersOf(b)) joined.push(m);
      members[a] = joined;
      members[b] = undefined;
    }
    if (sa === null) stems[a] = sb;
    else if (sb !== null) for (const x of sb) if (!sa.includes(x)) sa.push(x);
  }
  const root = new Int32Array(n);
  for (let r = 0; r < n; r++) root[r] = find(r);
  return { root, refused };
}
