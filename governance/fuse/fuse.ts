// One fusion pass over all records: block, compare, cluster, keep entity ids stable, and build each
// entity's golden record with lineage, conflicts and the pairs left for review.
import { hashKeyParts } from '../rules/key-hash.ts';
import { forEachCandidatePair, DEFAULT_BLOCKING, type BlockingStats } from './blocking.ts';
import { cluster } from './cluster.ts';
import { EdgeList } from './edge-list.ts';
import { explainLevels, lastPair, scorePair, DEFAULT_WEIGHTS, type FieldComparison, type Weights } from './compare.ts';
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
  /** `refA|refB` (in sorted order) of every match pair a reviewer decided: not asked again. */
  decidedPairs?: ReadonlySet<string>;
  /** entity → field → what a reviewer decided: a value, `null` for "leave it empty", or the values signature accepted as picked. */
  fields: ReadonlyMap<string, ReadonlyMap<string, FieldDecision>>;
}

/**
 * A reviewer's golden value for a field (null: leave it empty). With `signature`, it holds only while
 * the records disagree with the same values the reviewer saw; without, until decided otherwise.
 */
export interface FieldDecision {
  value: string | null;
  signature?: string;
}

export interface GoldenField extends FieldPick {
  /** Lineage: the record (`source:record`) the value came from; null for a reviewer's value. */
  ref: string | null;
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

export interface MatchReview {
  i: number;
  j: number;
  score: number;
  /** Level code of the pair (see explain). */
  code: number;
}

/** One entity of a run: its id and its records (indexes, ascending). */
export interface EntityMembers {
  entityId: string;
  members: number[];
}

/** What matching decides: the entities (by id), with how they came about. Golden records are built from it entity by entity. */
export interface MatchOutcome {
  /** Sorted by entity id. */
  entities: EntityMembers[];
  events: EntityEvent[];
  /** The pairs that hold each entity together (one per pair; a reviewer's has score +Infinity). */
  links: EdgeList;
  reviews: MatchReview[];
  /** Why a pair scored as it did, from its level code (links and reviews keep codes, not millions of objects). */
  explain(code: number): Record<string, FieldComparison>;
  blocking: BlockingStats[];
  comparisons: number;
  refused: number;
  nextSeq: number;
  timings: { blockingMs: number; comparingMs: number; clusteringMs: number };
}

export interface FuseResult extends Omit<MatchOutcome, 'timings'> {
  golden: GoldenRecord[];
  timings: MatchOutcome['timings'] & { goldenMs: number };
}

/** The values signature a conflict decision is tied to: if the sources later disagree differently, it is asked again. */
export function valuesSignature(values: readonly [string, number][] | undefined): string {
  return (values ?? [])
    .map(([v]) => v)
    .sort()
    .join('\u001f');
}

/** Whether a governed value is a valid one of its kind (an ID whose check character holds, a real date, ...). */
export function validFor(kind: FieldKind, value: string): boolean {
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

/** Blocks, compares and clusters the records into entities with stable ids, the pairs that hold them together, and the pairs left for review. */
export function matchEntities(
  records: MatchRecords,
  features: Features,
  options: FuseOptions,
  previous: Pick<PreviousRun, 'entityOf' | 'digests' | 'nextSeq'>,
  decisions: Decisions,
  clock: () => number = () => performance.now(),
): MatchOutcome {
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
  const refs = decisionIndexes(records, decisions);
  const indexPairs = (list: readonly (readonly [string, string])[]) =>
    list.flatMap(([a, b]) => (refs.has(a) && refs.has(b) ? [[refs.get(a)!, refs.get(b)!] as const] : []));
  const edges = new EdgeList();
  for (const [i, j] of indexPairs(decisions.mustLink)) edges.push(i, j, Number.POSITIVE_INFINITY);
  const reviewerEdges = edges.length;
  const band = new EdgeList();
  const low = options.threshold - options.reviewBand;
  for (let k = 0; k < n; k += 2) {
    const i = pairs[k]!;
    const j = pairs[k + 1]!;
    const score = scorePair(features, i, j, weights);
    if (score >= options.threshold) edges.push(i, j, score, lastPair.code);
    else if (score >= low) band.push(i, j, score, lastPair.code);
  }
  const comparisons = n / 2;
  const t1b = clock();
  const clusters = cluster({ size: records.size, edges, idStem: features.idStem, cannotLink: indexPairs(decisions.cannotLink) });
  const ids = assignEntityIds(clusters.root, previous.entityOf, previous.digests.keys(), options.idPrefix, previous.nextSeq);
  const membersOf = new Map<number, number[]>();
  for (let r = 0; r < records.size; r++) {
    const c = clusters.root[r]!;
    const m = membersOf.get(c);
    if (m) m.push(r);
    else membersOf.set(c, [r]);
  }
  // Members were gathered in record order: goldenRecord's digest relies on it.
  const entities: EntityMembers[] = [];
  for (const [c, members] of membersOf) entities.push({ entityId: ids.idOf.get(c)!, members });
  entities.sort((a, b) => (a.entityId < b.entityId ? -1 : 1));
  const entityOfRoot = (r: number) => ids.idOf.get(clusters.root[r]!)!;
  // A pair a reviewer accepted may also have matched (or been refused) on its own: one link per pair.
  // Blocking proposes each pair once, so only the reviewers' pairs (the first edges) can repeat.
  const links = new EdgeList();
  const byReviewer = new Set<number>();
  for (let e = 0; e < edges.length; e++) {
    const i = edges.i[e]!;
    const j = edges.j[e]!;
    if (clusters.root[i] !== clusters.root[j]) continue;
    if (e < reviewerEdges || byReviewer.size) {
      const pair = Math.min(i, j) * records.size + Math.max(i, j);
      if (byReviewer.has(pair)) continue;
      if (e < reviewerEdges) byReviewer.add(pair);
    }
    links.push(i, j, edges.score[e]!, edges.code[e]!);
  }
  // Refused matches (two IDs) and near misses both need a person's eye, once per pair of entities.
  const candidates: MatchReview[] = clusters.refused.map((e) => {
    const i = edges.i[e]!;
    const j = edges.j[e]!;
    // A reviewer's pair carries no comparison of its own: compare it for the question's explanation.
    let code = edges.code[e]!;
    if (e < reviewerEdges) {
      scorePair(features, i, j, weights);
      code = lastPair.code;
    }
    return { i, j, score: edges.score[e]!, code };
  });
  for (let e = 0; e < band.length; e++) candidates.push({ i: band.i[e]!, j: band.j[e]!, score: band.score[e]!, code: band.code[e]! });
  const reviews: MatchReview[] = [];
  const asked = new Set<string>();
  for (const review of candidates.sort((x, y) => y.score - x.score)) {
    const a = entityOfRoot(review.i);
    const b = entityOfRoot(review.j);
    if (a === b) continue;
    if (decisions.decidedPairs?.size) {
      const l = recordRef(records, review.i);
      const r = recordRef(records, review.j);
      if (decisions.decidedPairs.has(l < r ? `${l}|${r}` : `${r}|${l}`)) continue;
    }
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (asked.has(key)) continue;
    asked.add(key);
    reviews.push(review);
  }
  const t2 = clock();
  return {
    entities,
    events: ids.events,
    links,
    reviews,
    explain: (code) => explainLevels(code, features.entity, weights),
    blocking,
    comparisons,
    refused: clusters.refused.length,
    nextSeq: ids.nextSeq,
    timings: { blockingMs: t1 - t0, comparingMs: t1b - t1, clusteringMs: t2 - t1b },
  };
}

/** An entity's golden record: survivorship per field, lineage, conflicts, and its digest compared with last run's. */
export function goldenRecord(
  records: MatchRecords,
  entity: EntityMembers,
  options: FuseOptions,
  previous: Pick<PreviousRun, 'digests'>,
  decisions: Pick<Decisions, 'fields'>,
): GoldenRecord {
  const { entityId, members } = entity;
  const fields = goldenFields(records, members, options, decisions.fields.get(entityId));
  const digest = goldenDigest(fields, records, members);
  const before = previous.digests.get(entityId);
  return { entityId, members, fields, digest, status: before === undefined ? 'new' : before === digest ? 'unchanged' : 'changed' };
}

/** Matching and every golden record at once (what tests and small runs want; the activity builds golden records as it writes them). */
export function fuseRecords(
  records: MatchRecords,
  features: Features,
  options: FuseOptions,
  previous: PreviousRun,
  decisions: Decisions,
  clock: () => number = () => performance.now(),
): FuseResult {
  const outcome = matchEntities(records, features, options, previous, decisions, clock);
  const t0 = clock();
  const golden = outcome.entities.map((e) => goldenRecord(records, e, options, previous, decisions));
  return { ...outcome, golden, timings: { ...outcome.timings, goldenMs: clock() - t0 } };
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

/** Candidate objects reused from field to field and entity to entity: pickValue keeps none of them. */
const candidatePool: Candidate[] = [];

function candidateAt(k: number): Candidate {
  let c = candidatePool[k];
  if (!c) {
    c = { value: '', priority: 0, sourceOrder: 0, updatedAt: null, index: 0 };
    candidatePool[k] = c;
  }
  return c;
}

function goldenFields(
  records: MatchRecords,
  members: readonly number[],
  options: FuseOptions,
  decided: ReadonlyMap<string, FieldDecision> | undefined,
): GoldenField[] {
  const out: GoldenField[] = new Array(records.fields.length);
  const all: Candidate[] = [];
  const valid: Candidate[] = [];
  // Most fields of an entity come from the same record: its ref is built once.
  let refIndex = -1;
  let ref = '';
  for (let f = 0; f < records.fields.length; f++) {
    const field = records.fields[f]!;
    const order = options.priority[field.name];
    const column = records.values[f]!;
    all.length = 0;
    valid.length = 0;
    for (const r of members) {
      const value = column[r];
      if (value === null || value === undefined) continue;
      const sourceOrder = records.source[r]!;
      const p = order ? order.indexOf(records.sources[sourceOrder]!) : sourceOrder;
      const c = candidateAt(all.length);
      c.value = value;
      c.priority = p < 0 ? records.sources.length : p;
      c.sourceOrder = sourceOrder;
      c.updatedAt = records.updatedAt[r]!;
      c.index = r;
      all.push(c);
    }
    // A valid value beats an invalid one whatever the rule says (an ID whose check character fails).
    if (all.length > 1) for (const c of all) if (validFor(field.kind, c.value)) valid.push(c);
    const from = valid.length && valid.length < all.length ? valid : all;
    const rule = options.survivorship.fields[field.name] ?? options.survivorship.default;
    const pick = pickValue(rule, from) as GoldenField;
    const decision = decided?.get(field.name);
    const applies = decision !== undefined && (decision.signature === undefined || decision.signature === valuesSignature(pick.values));
    if (applies) {
      // The reviewer's value, from a record that holds it when one does.
      const holder = decision.value === null ? undefined : all.find((c) => c.value === decision.value);
      pick.value = decision.value;
      pick.index = holder?.index ?? null;
      pick.rule = 'review';
    }
    if (pick.index === null) pick.ref = null;
    else {
      if (pick.index !== refIndex) {
        refIndex = pick.index;
        ref = recordRef(records, refIndex);
      }
      pick.ref = ref;
    }
    pick.conflict = !applies && pick.distinct > 1 && options.conflicts.fields.includes(field.name) && pick.disagreement > options.conflicts.level;
    out[f] = pick;
  }
  return out;
}

const digestOut = new Uint32Array(2);

/** Digest of what a golden record says: its values, their lineage, and its members. */
function goldenDigest(fields: readonly GoldenField[], records: MatchRecords, members: readonly number[]): string {
  const parts: string[] = [];
  for (const f of fields) parts.push(f.value ?? '\u0000', f.ref ?? '', f.rule, f.conflict ? '!' : '');
  // Members in record order (sorted by source and record id: matchEntities gathers them in that order),
  // each by source, id and content digest.
  for (const r of members) parts.push(String(records.source[r]), records.recordId[r]!, records.digest[r]!);
  hashKeyParts(
    parts,
    parts.map((_, i) => i),
    digestOut,
  );
  return digestOut[0]!.toString(16).padStart(8, '0') + digestOut[1]!.toString(16).padStart(8, '0');
}
