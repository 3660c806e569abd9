import type { StreamIngestJobSpec } from '../schemas/job-spec.ts';
import type { StreamStatus } from '../schemas/stream-run.ts';
import { streamSourceLabel } from './source-label.ts';

const count = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The Web UI's "Current details" of a stream: its state, totals, rate and lag, in two short markdown lines. */
export function streamDetails(spec: StreamIngestJobSpec, s: StreamStatus): string {
  const t = s.totals;
  const parts = [
    `**${s.state}**`,
    `${count(t.messages)} messages`,
    `${count(t.written)} written`,
    `${count(t.quarantined)} quarantined`,
    `${count(t.duplicates)} duplicates`,
  ];
  if (t.poison) parts.push(`${count(t.poison)} poison`);
  if (s.rate !== undefined) parts.push(`${count(s.rate)} msg/s`);
  if (t.lag !== undefined) parts.push(`lag ${count(t.lag)}`);
  if (t.lastSequence !== undefined) parts.push(`last sequence ${t.lastSequence}`);
  return `${parts.join(' · ')}\n\n${streamSourceLabel(spec.source)} → ${spec.target.table} · slice ${s.slice} · updated ${s.updatedAt}`;
}
