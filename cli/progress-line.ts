import type { Progress } from '../schemas/progress.ts';
import { formatCount } from './format-table.ts';

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

export function progressLine(p: Progress, elapsedMs: number): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const label = p.phase === 'staging' && p.step ? p.step : p.phase;
  const parts = [`${label.padEnd(10)}`, `${formatCount(p.rows)} rows`];
  if (p.totalBytes) parts.push(`${megabytes(p.bytes)} / ${megabytes(p.totalBytes)} (${Math.min(100, (100 * p.bytes) / p.totalBytes).toFixed(0)}%)`);
  else if (p.bytes) parts.push(megabytes(p.bytes));
  if (p.rows) parts.push(`${formatCount(Math.round(p.rows / seconds))} rows/s`);
  parts.push(`${p.batches} batches`);
  if (p.attempt > 1) parts.push(`attempt ${p.attempt}`);
  return parts.join('  ');
}

/** Rewrites one line on a terminal; prints at most one line per 5 s into logs and pipes. */
export class ProgressPrinter {
  private lastPrinted = 0;
  private width = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly startedAt = Date.now(),
  ) {}

  update(p: Progress): void {
    const line = progressLine(p, Date.now() - this.startedAt);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(this.width)}`);
      this.width = line.length;
    } else if (Date.now() - this.lastPrinted >= 5_000 || p.phase === 'done' || p.phase === 'failed') {
      this.stream.write(`${line}\n`);
      this.lastPrinted = Date.now();
    }
  }

  end(): void {
    if (this.stream.isTTY && this.width) this.stream.write('\n');
  }
}
