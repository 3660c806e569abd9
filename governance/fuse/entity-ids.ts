// Stable entity ids: each cluster keeps the id most of its records had in the last run, so a re-run
// does not renumber; a cluster that gathers records of several old entities is a merge, an old
// entity whose records now sit in several clusters is a split, and one with no records left retires.

export type EntityEvent =
  | { event: 'new'; entityId: string }
  | { event: 'merge'; entityId: string; absorbed: string[] }
  | { event: 'split'; entityId: string; into: string[] }
  | { event: 'retire'; entityId: string };

export interface IdAssignment {
  /** Entity id per cluster root. */
  idOf: Map<number, string>;
  events: EntityEvent[];
  /** The id counter after this run's new ids. */
  nextSeq: number;
}

export function formatEntityId(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(9, '0')}`;
}

/**
 * `previous[r]`: the entity id record r belonged to last run (null: a new record). `known`: every entity
 * id current after the last run. Deterministic for the same input.
 */
export function assignEntityIds(
  root: Int32Array,
  previous: readonly (string | null)[],
  known: Iterable<string>,
  prefix: string,
  nextSeq: number,
): IdAssignment {
  const counts = new Map<number, Map<string, number>>();
  const roots: number[] = [];
  const rootsOfOld = new Map<string, Map<number, number>>();
  for (let r = 0; r < root.length; r++) {
    const c = root[r]!;
    let m = counts.get(c);
    if (!m) {
      m = new Map();
      counts.set(c, m);
      roots.push(c);
    }
    const old = previous[r];
    if (old == null) continue;
    m.set(old, (m.get(old) ?? 0) + 1);
    const spread = rootsOfOld.get(old) ?? rootsOfOld.set(old, new Map()).get(old)!;
    spread.set(c, (spread.get(c) ?? 0) + 1);
  }
  const candidates: { c: number; old: string; n: number }[] = [];
  for (const [c, m] of counts) for (const [old, n] of m) candidates.push({ c, old, n });
  candidates.sort((a, b) => b.n - a.n || (a.old < b.old ? -1 : a.old > b.old ? 1 : 0) || a.c - b.c);
  const idOf = new Map<number, string>();
  const claimed = new Set<string>();
  for (const { c, old } of candidates) {
    if (idOf.has(c) || claimed.has(old)) continue;
    idOf.set(c, old);
    claimed.add(old);
  }
  const events: EntityEvent[] = [];
  let seq = nextSeq;
  roots.sort((a, b) => a - b);
  for (const c of roots) {
    if (idOf.has(c)) continue;
    const id = formatEntityId(prefix, seq++);
    idOf.set(c, id);
    events.push({ event: 'new', entityId: id });
  }
  const absorbedInto = new Map<string, string[]>();
  const splitInto = new Map<string, string[]>();
  for (const [old, spread] of [...rootsOfOld].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (claimed.has(old)) {
      const others = [...spread.keys()].filter((c) => idOf.get(c) !== old).map((c) => idOf.get(c)!);
      if (others.length) splitInto.set(old, others.sort());
      continue;
    }
    // Unclaimed: its records went to clusters that kept other ids; it merged into the one holding most of them.
    const [winner] = [...spread].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    const into = idOf.get(winner)!;
    (absorbedInto.get(into) ?? absorbedInto.set(into, []).get(into)!).push(old);
  }
  for (const [entityId, absorbed] of absorbedInto) events.push({ event: 'merge', entityId, absorbed: absorbed.sort() });
  for (const [entityId, into] of splitInto) events.push({ event: 'split', entityId, into });
  const present = new Set(rootsOfOld.keys());
  for (const id of known) if (!present.has(id)) events.push({ event: 'retire', entityId: id });
  return { idOf, events, nextSeq: seq };
}
