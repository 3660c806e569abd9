import { describe, expect, it } from 'vitest';
import { ProgressPrinter, progressLine } from '../../../cli/progress-line.ts';
import type { Progress } from '../../../schemas/progress.ts';

const at = (rows: number, extra: Partial<Progress> = {}): Progress => ({
  phase: 'staging',
  step: 'cleanse',
  rows,
  bytes: rows * 100,
  batches: Math.floor(rows / 100_000),
  attempt: 1,
  updatedAt: '',
  ...extra,
});

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('the progress line', () => {
  it('shows a bar, rows of the estimated total, the rate and an ETA when the total is known', () => {
    const line = progressLine(at(250_000, { totalRows: 1_000_000, rejected: 1_234 }), 50_000);
    expect(line).toMatch(/^cleanse\s+\[#####---------------\]\s+25%\s+250,000 \/ ~1,000,000 rows/);
    expect(line).toContain('50,000 rows/s');
    expect(line).toContain('ETA 0:15');
    expect(line).toContain('1,234 quarantined');
  });

  it('uses bytes for files and shows no bar or ETA without a total', () => {
    expect(progressLine(at(10, { bytes: 512 * 1024, totalBytes: 1024 * 1024 }), 5)).toMatch(/\[##########----------\]\s+50%/);
    const line = progressLine(at(10), 5);
    expect(line).not.toContain('[');
    expect(line).not.toContain('ETA');
  });

  it('on a terminal, rewrites one line and ends it before anything else is printed', () => {
    const { writes, stream } = fakeStream(true);
    const printer = new ProgressPrinter(stream);
    printer.update(at(1));
    printer.update(at(2));
    printer.end();
    expect(writes.filter((w) => w.startsWith('\r'))).toHaveLength(2);
    expect(writes[writes.length - 1]).toBe('\n');
    printer.end();
    expect(writes.filter((w) => w === '\n')).toHaveLength(1);
  });

  it('into a log, prints a line at most every interval', () => {
    const { writes, stream } = fakeStream(false);
    const printer = new ProgressPrinter(stream, 60_000);
    printer.update(at(1));
    printer.update(at(2));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.endsWith('\n')).toBe(true);
  });
});
