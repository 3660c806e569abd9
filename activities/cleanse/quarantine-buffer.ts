import type pg from 'pg';
import { CopyIn } from '../../connectors/postgres/copy-in.ts';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import type { Field } from '../../connectors/source-chunk.ts';
import type { Reason } from '../../governance/rules/types.ts';
import { QUARANTINE_COPY_COLUMNS } from '../../catalogue/quarantine.ts';

/**
 * Rejected records of the current batch, written with one COPY inside the batch transaction (after the
 * staging COPY: one connection runs one COPY at a time), so quarantine and checkpoint commit together.
 */
export class QuarantineBuffer {
  private lines: string[] = [];
  private records = 0;

  constructor(
    private readonly runId: string,
    private readonly step: string,
    private readonly columns: readonly string[],
  ) {}

  /** `keptRef`: for a duplicate, the ref of the row that was kept (named at publish). */
  add(sourceRef: string, ruleId: string, column: string, reason: Reason, original: readonly Field[], rowRef: number, keptRef?: number): void {
    const record: Record<string, Field> = {};
    for (let i = 0; i < this.columns.length; i++) record[this.columns[i]!] = original[i] ?? null;
    this.lines.push(
      copyTextRow([
        this.runId,
        this.step,
        sourceRef,
        ruleId,
        column,
        'reject',
        reason.en,
        reason.zh,
        JSON.stringify(record),
        String(rowRef),
        keptRef === undefined ? null : String(keptRef),
      ]),
    );
  }

  /** Counts a rejected record once, however many rules rejected it. */
  countRecord(): void {
    this.records++;
  }

  get pendingRecords(): number {
    return this.records;
  }

  async flush(client: pg.Client): Promise<number> {
    const records = this.records;
    if (this.lines.length) {
      const copy = new CopyIn(client, `COPY dataops.quarantine (${QUARANTINE_COPY_COLUMNS.join(', ')}) FROM STDIN`);
      await copy.write(Buffer.from(this.lines.join(''), 'utf8'));
      await copy.finish();
    }
    this.lines = [];
    this.records = 0;
    return records;
  }
}
