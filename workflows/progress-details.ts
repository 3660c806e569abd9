import type { Progress } from '../schemas/progress.ts';

const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** The Web UI's "Current details" of a running job: where it is, how far, in one short markdown line. */
export function progressDetails(p: Progress): string {
  const label = p.phase === 'staging' && p.step ? `**${p.step}**` : `**${p.phase}**`;
  const parts = [label];
  if (p.rows || p.phase === 'staging') parts.push(p.totalRows ? `${count(p.rows)} of ~${count(p.totalRows)} rows` : `${count(p.rows)} rows`);
  if (p.totalBytes) parts.push(`${mb(p.bytes)} of ${mb(p.totalBytes)} (${Math.min(100, Math.floor((100 * p.bytes) / p.totalBytes))}%)`);
  if (p.rejected) parts.push(`${count(p.rejected)} quarantined`);
  if (p.batches) parts.push(`${p.batches} batches committed`);
  if (p.attempt > 1) parts.push(`attempt ${p.attempt}`);
  return `${parts.join(' · ')}\n\nupdated ${p.updatedAt}`;
}
