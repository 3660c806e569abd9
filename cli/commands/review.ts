import {
  decideReview,
  fusionJob,
  getReview,
  listReviews,
  type FusionJobRow,
  type ReviewKind,
  type ReviewRow,
  type ReviewStatus,
} from '../../catalogue/fusion.ts';
import { normaliseValue } from '../../governance/fuse/field-kinds.ts';
import { validFor } from '../../governance/fuse/fuse.ts';
import { localIdentity } from '../../temporal/identity.ts';
import { withCentreDb } from '../centre-db.ts';
import { formatTable } from '../format-table.ts';
import { auditReveal, kindOf, valueView, type ValueView } from './fusion-values.ts';

export interface ReviewListOptions {
  job?: string;
  status?: ReviewStatus | 'all';
  kind?: ReviewKind;
  entity?: string;
  limit?: string;
  reveal?: boolean;
  json?: boolean;
}

function explanationText(explanation: Record<string, [string, number]> | undefined): string {
  return Object.entries(explanation ?? {})
    .map(([field, [level, weight]]) => `${field} ${level} ${weight >= 0 ? '+' : ''}${weight}`)
    .join(', ');
}

function question(r: ReviewRow, view: ValueView): string {
  if (r.kind === 'match')
    return `${r.left_ref} ~ ${r.right_ref}: ${explanationText((r.detail as { explanation?: Record<string, [string, number]> }).explanation)}`;
  const d = r.detail as { picked?: string | null; values?: [string, number][] };
  const values = (d.values ?? []).map(([v, n]) => `${view.show(r.field!, v)} ×${n}`).join(' | ');
  return `${r.field}: ${values} (picked ${view.show(r.field!, d.picked ?? null)})`;
}

/** A review row with its values (picked, the disagreeing values, a reviewer's value) through the view's masks. */
function masked(r: ReviewRow, view: ValueView): ReviewRow & { question: string } {
  const shown = question(r, view);
  if (r.kind !== 'conflict' || view.revealed) return { ...r, question: shown };
  const field = r.field!;
  const d = r.detail as { picked?: string | null; values?: [string, number][]; signature?: string };
  const { signature: _signature, ...rest } = d;
  const detail = { ...rest, picked: view.show(field, d.picked ?? null), values: (d.values ?? []).map(([v, n]) => [view.show(field, v), n]) };
  let decision = r.decision;
  if (decision) {
    const { signature: _s, ...kept } = decision;
    decision = {
      ...kept,
      ...('value' in kept ? { value: view.show(field, kept.value ?? null) } : {}),
      ...('picked' in kept ? { picked: view.show(field, kept.picked ?? null) } : {}),
    };
  }
  return { ...r, detail, decision, question: shown };
}

/** The review queue of fusion jobs: pairs that may be one entity, fields whose records disagree. */
export function reviewListCommand(options: ReviewListOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const limit = Number(options.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit needs a positive integer, got ${options.limit}`);
    const rows = await listReviews(db, { job: options.job, status: options.status, kind: options.kind, entity: options.entity, limit });
    if (options.reveal && rows.length)
      await auditReveal(db, {
        command: 'review list',
        job: options.job ?? null,
        rows: rows.length,
        fields: [...new Set(rows.flatMap((r) => (r.field ? [r.field] : [])))],
      });
    const jobs = new Map<string, FusionJobRow | undefined>();
    for (const job of new Set(rows.map((r) => r.job))) jobs.set(job, await fusionJob(db, job));
    const view = (job: string) => valueView(jobs.get(job), Boolean(options.reveal));
    if (options.json) {
      console.log(
        JSON.stringify(
          rows.map((r) => masked(r, view(r.job))),
          null,
          2,
        ),
      );
      return 0;
    }
    if (!rows.length) {
      console.log(`no ${options.status === 'all' ? '' : `${options.status ?? 'pending'} `}reviews${options.job ? ` for job ${options.job}` : ''}`);
      return 0;
    }
    console.log(
      formatTable(
        ['id', 'job', 'kind', 'entity', 'other', 'score', 'status', 'question'],
        rows.map((r) => [r.id, r.job, r.kind, r.entity_id, r.other_entity_id ?? '', r.score ?? '', r.status, question(r, view(r.job))]),
      ),
    );
    if (!options.reveal && rows.some((r) => r.kind === 'conflict')) console.log('(personal values masked; --reveal shows them in clear and is audited)');
    console.log(`accept or reject with: dataops review accept <id> | dataops review reject <id>; the next run of the job applies the decisions`);
    return 0;
  });
}

export interface ReviewDecideOptions {
  value?: string;
  note?: string;
}

/**
 * Decides a pending review. A match: accept joins the two records into one entity, reject keeps them
 * apart. A conflict: accept keeps the picked value (or sets --value), reject leaves the field empty.
 */
export function reviewDecideCommand(idText: string, status: 'accepted' | 'rejected', options: ReviewDecideOptions): Promise<number> {
  return withCentreDb(async (db) => {
    const id = Number(idText);
    if (!Number.isInteger(id) || id < 1) throw new Error(`review id must be a positive integer, got ${idText}`);
    const review = await getReview(db, id);
    if (!review) {
      console.error(`no review ${id}: dataops review list shows the pending ones`);
      return 1;
    }
    if (options.value !== undefined && (review.kind !== 'conflict' || status !== 'accepted')) {
      console.error('--value only goes with accepting a conflict (the value the golden record should hold)');
      return 1;
    }
    const detail = review.detail as { signature?: string; picked?: string | null };
    let value = options.value;
    if (value !== undefined) {
      // The value a reviewer types is governed like the sources' values: normalised, and refused when invalid.
      const kind = kindOf(await fusionJob(db, review.job), review.field!);
      const governed = kind ? normaliseValue(kind, value) : value;
      if (kind && (governed === null || !validFor(kind, governed))) {
        console.error(`--value ${JSON.stringify(value)} is not a valid ${kind} for ${review.field}`);
        return 1;
      }
      value = governed ?? value;
    }
    const decision =
      review.kind === 'match'
        ? {}
        : value !== undefined
          ? { value }
          : status === 'accepted'
            ? { picked: detail.picked ?? null, signature: detail.signature ?? '' }
            : { signature: detail.signature ?? '' };
    if (options.note) Object.assign(decision, { note: options.note });
    const done = await decideReview(db, id, status, decision, localIdentity());
    if (!done) {
      console.error(`review ${id} is ${review.status}, not pending: nothing changed`);
      return 1;
    }
    const what =
      review.kind === 'match'
        ? status === 'accepted'
          ? `${review.left_ref} and ${review.right_ref} will be one entity`
          : `${review.left_ref} and ${review.right_ref} will stay apart`
        : status === 'accepted'
          ? value !== undefined
            ? `${review.entity_id}.${review.field} will be set to the given value`
            : `${review.entity_id}.${review.field} keeps the value picked now, until the records disagree differently`
          : `${review.entity_id}.${review.field} will be left empty, until the records disagree differently`;
    console.log(`review ${id} ${status}: ${what} from the next run of ${review.job} (dataops run <its spec>)`);
    return 0;
  });
}
