import type { ReviewRow } from '../../catalogue/fusion.ts';
import type { Decisions, FieldDecision } from '../../governance/fuse/fuse.ts';

/**
 * Reviewers' decisions as the next run applies them: an accepted match joins the pair, a rejected one
 * keeps it apart; an accepted conflict keeps the picked value (until the sources disagree differently)
 * or sets the reviewer's value; a rejected conflict leaves the field empty.
 */
export function decisionsFrom(rows: readonly ReviewRow[]): Decisions {
  const mustLink: [string, string][] = [];
  const cannotLink: [string, string][] = [];
  const fields = new Map<string, Map<string, FieldDecision>>();
  for (const r of rows) {
    if (r.kind === 'match' && r.left_ref && r.right_ref) (r.status === 'accepted' ? mustLink : cannotLink).push([r.left_ref, r.right_ref]);
    if (r.kind === 'conflict' && r.field) {
      const of = fields.get(r.entity_id) ?? fields.set(r.entity_id, new Map()).get(r.entity_id)!;
      if (r.status === 'rejected') of.set(r.field, { kind: 'value', value: null });
      else if (r.decision && 'value' in r.decision) of.set(r.field, { kind: 'value', value: r.decision.value ?? null });
      else of.set(r.field, { kind: 'accept', signature: r.decision?.signature ?? '' });
    }
  }
  return { mustLink, cannotLink, fields };
}

/** `a|b` for a pair of refs in either order: reviews a reviewer already decided are not asked again. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
