import type { ReviewRow } from '../../catalogue/fusion.ts';
import type { Decisions, FieldDecision } from '../../governance/fuse/fuse.ts';

/**
 * Reviewers' decisions as the next run applies them: an accepted match joins the pair, a rejected one
 * keeps it apart. An accepted conflict pins the value picked when it was asked, a rejected one leaves the
 * field empty, both until the records disagree differently (then it is asked again); `--value` sets the
 * golden value until decided otherwise.
 */
export function decisionsFrom(rows: readonly ReviewRow[]): Decisions {
  const mustLink: [string, string][] = [];
  const cannotLink: [string, string][] = [];
  const fields = new Map<string, Map<string, FieldDecision>>();
  for (const r of rows) {
    if (r.kind === 'match' && r.left_ref && r.right_ref) (r.status === 'accepted' ? mustLink : cannotLink).push([r.left_ref, r.right_ref]);
    if (r.kind === 'conflict' && r.field) {
      const of = fields.get(r.entity_id) ?? fields.set(r.entity_id, new Map()).get(r.entity_id)!;
      const d = r.decision ?? {};
      const signature = d.signature ?? (r.detail as { signature?: string }).signature;
      if (r.status === 'rejected') of.set(r.field, { value: null, signature });
      else if (d.value !== undefined) of.set(r.field, { value: d.value });
      else of.set(r.field, { value: d.picked ?? (r.detail as { picked?: string | null }).picked ?? null, signature });
    }
  }
  const decidedPairs = new Set([...mustLink, ...cannotLink].map(([a, b]) => pairKey(a, b)));
  return { mustLink, cannotLink, decidedPairs, fields };
}

/** `a|b` for a pair of refs in either order: reviews a reviewer already decided are not asked again. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}
