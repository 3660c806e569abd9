import type pg from 'pg';
import type { ColumnInfo, SourcePosition } from '../../connectors/source-chunk.ts';
import type { StagingLayout } from './staging-table.ts';

/**
 * Where the batch stager writes a batch: the centre's staging table (StagingSink), a table in a
 * department's database (the distribution's shadow table), or a broker (MessageBatchSink, which
 * takes messages instead of COPY payloads: `W`). A batch's rows and the checkpoint that describes
 * them commit together, or, for a sink outside the centre database, the rows first and the
 * checkpoint right after, with the sink cutting off rows past the checkpoint when an attempt resumes
 * (a broker drops the re-sent messages by their ids instead).
 */
export interface BatchSink<W = Buffer> {
  /** The table's columns; before it exists a service may still set their types. */
  columns: ColumnInfo[];
  readonly created: boolean;
  /** Creates the table, recording its columns (onCreate), unless it exists. */
  ensure(): Promise<void>;
  write(payload: W): Promise<void>;
  /** Widens column types inside the open batch (centre staging only). */
  widen(changes: { name: string; pgType: string }[]): Promise<void>;
  /** Ends one COPY stream inside the batch: the next write starts another. */
  endStream(): Promise<void>;
  /** Ends the batch: its rows, then `work` (the checkpoint and the service's commit work). */
  commit(work: () => Promise<void>): Promise<void>;
  abort(): Promise<void>;
  close?(): Promise<void>;
}

/** What the stager hands a sink factory. */
export interface SinkInit {
  /** The centre database session the checkpoints are written on. */
  client: pg.Client;
  table: string;
  columns: ColumnInfo[];
  copyOptions: string;
  /** Whether the table exists already (a resumed attempt). */
  ready: boolean;
  layout: StagingLayout;
  onCreate(columns: ColumnInfo[]): Promise<void>;
  /** Where the last committed batch ended (null before the first). */
  committedPosition(): SourcePosition | null;
}
