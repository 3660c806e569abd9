import type { Progress } from '../schemas/progress.ts';
import { formatCount } from './format-table.ts';

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** How much of the source is done, from bytes (files) or the row estimate (tables); undefined when unknown. */
export function doneFraction(p: Progress): number | undefined {
  if (p.totalBytes) return Math.min(1, p.bytes / p.totalBytes);
  if (p.totalRows) return Math.min(1, p.rows / p.totalRows);
  return undefined;
}

function bar(fraction: number, width = 20): string {
  const full = Math.round(fraction * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
}

/** One line: step, a bar when the total is known, rows done (of the total), rate, ETA, batches, attempt. */
export function progressLine(p: Progress, rowsPerSecond: number | undefined): string {
  const label = p.phase === 'staging' && p.step ? p.step : p.phase;
  const parts = [label.padEnd(10)];
  const fraction = doneFraction(p);
  if (p.phase === 'staging' && fraction !== undefined) parts.push(bar(fraction));
  parts.push(p.totalRows ? `${formatCount(p.rows)} / ~${formatCount(p.totalRows)} rows` : `${formatCount(p.rows)} rows`);
  if (p.totalBytes) parts.push(`${megabytes(p.bytes)} / ${megabytes(p.totalBytes)}`);
  else if (p.bytes) parts.push(megabytes(p.bytes));
  if (rowsPerSecond !== undefined && rowsPerSecond > 0) {
    parts.push(`${formatCount(Math.round(rowsPerSecond))} rows/s`);
    if (p.phase === 'staging' && fraction !== undefined && fraction > 0 && fraction < 1 && p.rows > 0) {
      parts.push(`ETA ${duration((p.rows / fraction - p.rows) / rowsPerSecond)}`);
    }
  }
  if (p.rejected) parts.push(`${formatCount(p.rejected)} quarantined`);
  parts.push(`${p.batches} batches`);
  if (p.attempt > 1) parts.push(`attempt ${p.attempt}`);
  return parts.join('  ');
}

/** Rows per second over the last `windowMs`, from the samples seen. */
class RateMeter {
  private samples: { at: number; rows: number }[] = [];
  constructor(private readonly windowMs = 15_000) {}

  add(at: number, rows: number): number | undefined {
    const last = this.samples[this.samples.length - 1];
    if (last && rows < last.rows) this.samples = []; // a restaged run starts counting again
    this.samples.push({ at, rows });
    while (this.samples.length > 2 && at - this.samples[0]!.at > this.windowMs) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (at - first.at) / 1000;
    return seconds >= 0.5 ? (rows - first.rows) / seconds : undefined;
  }
}

/** Rewrites one line on a terminal; into logs and pipes it prints a line every `everyMs`. */
export class ProgressPrinter {
  private lastPrinted = 0;
  private width = 0;
  private readonly rate = new RateMeter();

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly everyMs = 2_000,
  ) {}

  update(p: Progress): void {
    const now = Date.now();
    const line = progressLine(p, this.rate.add(now, p.rows));
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.padEnd(this.width)}`);
      this.width = line.length;
    } else if (now - this.lastPrinted >= this.everyMs) {
      this.stream.write(`${line}\n`);
      this.lastPrinted = now;
    }
  }

  /** Ends the progress line, so whatever is printed next starts on a line of its own. */
  end(): void {
    if (this.stream.isTTY && this.width) this.stream.write('\n');
    this.width = 0;
  }

  /** Prints a message on its own line, keeping the progress line intact below it. */
  note(message: string): void {
    this.end();
    this.stream.write(`${message}\n`);
  }
}
