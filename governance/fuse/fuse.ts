// One fusion pass over all records: block, compare, cluster, keep entity ids stable, and build each
// entity's golden record with lineage, conflicts and the pairs left for review.
import { hashKeyParts } from '../rules/key-hash.ts';
import { forEachCandidatePair, DEFAULT_BLOCKING, type BlockingStats } from './blocking.ts';
import { cluster, type Edge } from './cluster.ts';
import { comparePair, scorePair, DEFAULT_WEIGHTS, type FieldComparison, type Weights } from './compare.ts';
import { assignEntityIds, type EntityEvent } from './entity-ids.ts';
import { keyChecks, isUsableDate, isUsableMobile, type FieldKind } from './field-kinds.ts';
import type { Features } from './features.ts';
import { recordRef, type MatchRecords } from './match-records.ts';
import { pickValue, type Candidate, type FieldPick, type SurvivorshipRule } from './survivorship.ts';

export interface FuseOptions {
  threshold: number;
  /** Pairs scoring in [threshold - reviewBand, threshold) that stay apart go to review. */
  reviewBand: number;
  maxBlock: number;
  weights?: Weights;
  idPrefix: string;
  survivorship: { default: SurvivorshipRule; fields: Readonly<Record<string, SurvivorshipRule>> };
  /** Per field: source names in priority order (default: the job's source order). */
  priority: Readonly<Record<string, readonly string[]>>;
  /** Fields whose disagreement goes to review above `level` (share of records disagreeing with the pick). */
  conflicts: { level: number; fields: readonly string[] };
}

export interface PreviousRun {
  /** Entity id per record (null: the record is new). */
  entityOf: readonly (string | null)[];
  /** Current entities after the last run, with their golden digests. */
  digests: ReadonlyMap<string, string>;
  nextSeq: number;
}

export interface Decisions {
  mustLink: readonly (readonly [string, string])[];
  cannotLink: readonly (readonly [string, string])[];
  /** entity → field → what a reviewer decided: a value, `null` for "leave it empty", or the values signature accepted as picked. */
  fields: ReadonlyMap<string, ReadonlyMap<string, FieldDecision>>;
}

export type FieldDecision = { kind: 'value'; value: string | null } | { kind: 'accept'; signature: string };

export interface GoldenField extends FieldPick {
  /** The field's values disagree above the conflict level and no reviewer has decided. */
  conflict: boolean;
}

export interface GoldenRecord {
  entityId: string;
  members: number[];
  fields: GoldenField[];
  digest: string;
  status: 'new' | 'changed' | 'unchanged';
}

export interface Link {
  entityId: string;
  i: number;
  j: number;
  score: number;
  explanation: Record<string, FieldComparison>;
}

export interface MatchReview {
  i: number;
  j: number;
  score: number;
  explanation: Record<string, FieldComparison>;
}

export interface FuseResult {
  golden: GoldenRecord[];
  events: EntityEvent[];
  links: Link[];
  reviews: MatchReview[];
  blocking: BlockingStats[];
  comparisons: number;
  refused: number;
  nextSeq: number;
  timings: { blockingMs: number; comparingMs: number; clusteringMs: number; goldenMs: number };
}

/** The values signature a conflict decision is tied to: if the sources later disagree differently, it is asked again. */
export function valuesSignature(values: readonly [string, number][] | undefined): string {
  return (values ?? [])
    .map(([v]) => v)
    .sort()
    .join('\u001f');
}

function validFor(kind: FieldKind, value: string): boolean {
  switch (kind) {
    case 'citizenId':
    case 'creditCode':
      return keyChecks(kind, value);
    case 'mobile':
      return isUsableMobile(value);
    case 'date':
      return isUsableDate(value);
    case 'gender':
      return value === '男' || value === '女';
    default:
      return true;
  }
}

export function fuseRecords(
  records: MatchRecords,
  features: Features,
  options: FuseOptions,
  previous: PreviousRun,
  decisions: Decisions,
  clock: () => number = () => performance.now(),
): FuseResult {
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const t0 = clock();
  // Blocking first, into a flat pair list, then comparing: the two costs are measured apart.
  let pairs = new Int32Array(1 << 16);
  let n = 0;
  const blocking = forEachCandidatePair(features, DEFAULT_BLOCKING, options.maxBlock, (i, j) => {
    if (n + 2 > pairs.length) {
      const grown = new Int32Array(pairs.length * 2);
      grown.set(pairs);
      pairs = grown;
    }
    pairs[n++] = i;
    pairs[n++] = j;
  });
  const t1 = clock();
  const matched: Edge[] = [];
  const band: Edge[] = [];
  const low = options.threshold - options.reviewBand;
  for (let k = 0; k < n; k += 2) {
    const i = pairs[k]!;
    const j = pairs[k + 1]!;
    const score = scorePair(features, i, j, weights);
    if (score >= options.threshold) matched.push({ i, j, score });
    else if (score >= low) band.push({ i, j, score });
  }
  const comparisons = n / 2;
  const t1b = clock();
  const refs = decisionIndexes(records, decisions);
  const indexPairs = (list: readonly (readonly [string, string])[]) =>
    list.flatMap(([a, b]) => (refs.has(a) && refs.has(b) ? [[refs.get(a)!, refs.get(b)!] as const] : []));
  const accepted = indexPairs(decisions.mustLink).map(([i, j]) => ({ i, j, score: Number.POSITIVE_INFINITY }));
  const clusters = cluster({ size: records.size, edges: [...accepted, ...matched], idStem: features.idStem, cannotLink: indexPairs(decisions.cannotLink) });
  const ids = assignEntityIds(clusters.root, previous.entityOf, previous.digests.keys(), options.idPrefix, previous.nextSeq);
  const t2 = clock();
  const membersOf = new Map<number, number[]>();
  for (let r = 0; r < records.size; r++) {
    const c = clusters.root[r]!;
    (membersOf.get(c) ?? membersOf.set(c, []).get(c)!).push(r);
  }
  const golden: GoldenRecord[] = [];
  for (const [c, members] of membersOf) {
    const entityId = ids.idOf.get(c)!;
    const fields = goldenFields(records, members, options, decisions.fields.get(entityId));
    const digest = goldenDigest(fields, records, members);
    const before = previous.digests.get(entityId);
    golden.push({ entityId, members, fields, digest, status: before === undefined ? 'new' : before === digest ? 'unchanged' : 'changed' });
  }
  golden.sort((a, b) => (a.entityId < b.entityId ? -1 : 1));
  const entityOfRoot = (r: number) => ids.idOf.get(clusters.root[r]!)!;
  const links: Link[] = [];
  // A pair a reviewer accepted may also have matched (or been refused) on its own: one link per pair.
  const linked = new Set<number>();
  for (const e of [...accepted, ...matched]) {
    if (clusters.root[e.i] !== clusters.root[e.j]) continue;
    const pair = Math.min(e.i, e.j) * records.size + Math.max(e.i, e.j);
    if (linked.has(pair)) continue;
    linked.add(pair);
    const explanation = Number.isFinite(e.score) ? comparePair(features, e.i, e.j, weights).fields : { reviewer: ['exact', 0] as FieldComparison };
    links.push({ entityId: entityOfRoot(e.i), i: e.i, j: e.j, score: Number.isFinite(e.score) ? e.score : 0, explanation });
  }
  // Refused matches (two IDs) and near misses both need a person's eye, once per pair of entities.
  const reviews: MatchReview[] = [];
  const asked = new Set<string>();
  for (const e of [...clusters.refused, ...band].sort((x, y) => y.score - x.score)) {
    const a = entityOfRoot(e.i);
    const b = entityOfRoot(e.j);
    if (a === b) continue;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (asked.has(key)) continue;
    asked.add(key);
    reviews.push({ i: e.i, j: e.j, score: e.score, explanation: comparePair(features, e.i, e.j, weights).fields });
  }
  const t3 = clock();
  return {
    golden,
    events: ids.events,
    links,
    reviews,
    blocking,
    comparisons,
    refused: clusters.refused.length,
    nextSeq: ids.nextSeq,
    timings: { blockingMs: t1 - t0, comparingMs: t1b - t1, clusteringMs: t2 - t1b, goldenMs: t3 - t2 },
  };
}

function decisionIndexes(records: MatchRecords, decisions: Decisions): Map<string, number> {
  const wanted = new Set<string>();
  for (const [a, b] of [...decisions.mustLink, ...decisions.cannotLink]) wanted.add(a).add(b);
  const found = new Map<string, number>();
  if (!wanted.size) return found;
  for (let r = 0; r < records.size; r++) {
    const ref = recordRef(records, r);
    if (wanted.has(ref)) found.set(ref, r);
  }
  return found;
}

function goldenFields(
  records: MatchRecords,
  members: readonly number[],
  options: FuseOptions,
  decided: ReadonlyMap<string, FieldDecision> | undefined,
): GoldenField[] {
  return records.fields.map((field, f) => {
    const order = options.priority[field.name];
    const all: Candidate[] = [];
    for (const r of members) {
      const value = records.values[f]![r];
      if (value === null || value === undefined) continue;
      const sourceOrder = records.source[r]!;
      const name = records.sources[sourceOrder]!;
      const p = order ? order.indexOf(name) : sourceOrder;
      all.push({ value, priority: p < 0 ? records.sources.length : p, sourceOrder, updatedAt: records.updatedAt[r]!, ref: recordRef(records, r) });
    }
    // A valid value beats an invalid one whatever the rule says (an ID whose check character fails).
    const valid = all.filter((c) => validFor(field.kind, c.value));
    const rule = options.survivorship.fields[field.name] ?? options.survivorship.default;
    const pick = pickValue(rule, valid.length ? valid : all);
    const decision = decided?.get(field.name);
    if (decision?.kind === 'value') return { ...pick, value: decision.value, ref: null, rule: 'review', conflict: false };
    const disputed = options.conflicts.fields.includes(field.name) && pick.distinct > 1 && pick.disagreement > options.conflicts.level;
    const settled = decision?.kind === 'accept' && decision.signature === valuesSignature(pick.values);
    return { ...pick, conflict: disputed && !settled };
  });
}

const digestOut = new Uint32Array(2);

/** Digest of what a golden record says: its values, their lineage, and its members. */
function goldenDigest(fields: readonly GoldenField[], records: MatchRecords, members: readonly number[]): string {
  const parts: string[] = [];
  for (const f of fields) parts.push(f.value ?? '\u0000', f.ref ?? '', f.conflict ? '!' : '');
  const refs = members.map((r) => `${recordRef(records, r)}#${records.digest[r]}`).sort();
  parts.push(...refs);
  hashKeyParts(
    parts,
    parts.map((_, i) => i),
    digestOut,
  );
  return digestOut[0]!.toString(16).padStart(8, '0') + digestOut[1]!.toString(16).padStart(8, '0');
}
