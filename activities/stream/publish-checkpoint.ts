import type { StagedState } from '../staging/batch-stager.ts';
import type { MaskingRecord } from '../distribute/outgoing-masks.ts';
import type { PublishPassSummary } from '../../schemas/stream-publish-run.ts';

/** A stream output pass's checkpoint: the shared staging state plus where its messages go and what the broker dropped. */
export interface PublishCheckpoint extends StagedState {
  /** The centre table read, schema-qualified. */
  sourceTable: string;
  connection: string;
  /** The sink as logs and summaries name it: `jetstream RESIDENTS on nats connection "centre-nats"`. */
  target: string;
  duplicateWindowMs?: number;
  /** The message key and the change cursor the rows are read by. */
  key: string;
  cursorColumn: string;
  /** Where this pass started reading: the watermark the last confirmed batch left. */
  syncedFrom?: { cursor: string; key: string };
  /** The columns each message's row holds, in order. */
  sentColumns: string[];
  masking: MaskingRecord;
  /** Re-sends the broker dropped by message id, over the committed batches. */
  duplicates: number;
  /** Set when the pass is recorded (metrics, audit): a retry after that returns it. */
  publish?: PublishPassSummary;
}
