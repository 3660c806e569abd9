/** One value as a source gives it: text, or null. Every reader, rule and writer speaks in these. */
export type Field = string | null;

/** Where a source stands after a chunk: enough to resume right after it. */
export interface SourcePosition {
  /** Several files read in sequence: the index of the file the rest of the position is in (files before it are done). */
  file?: number;
  /** Byte offset in the original file (files) */
  byteOffset?: number;
  /** Next physical line number (files) */
  line?: number;
  /** Files: size and mtime when the run started, checked when resuming */
  fingerprint?: string;
  /** Text form of the last key read (tables and queries) */
  lastKey?: string | null;
  /** Incremental reads: the cursor of the last row read, as the source printed it (full precision). */
  lastCursor?: string | null;
}

/** A run of complete records: parsed fields for the rules and profiler, bytes for COPY. */
export interface SourceChunk {
  rows: Field[][];
  /** For COPY-text sources: each row's line as read (no newline), reusable when a row is unchanged. */
  lines?: string[];
  /** The same records, ready for `COPY ... FROM STDIN` in the reader's `copyFormat`. */
  payload: Buffer;
  bytes: number;
  end: SourcePosition;
  /**
   * The end of one file of several: the next chunk's bytes may end their lines otherwise (CRLF after
   * LF), which one COPY stream refuses, so writers start a new stream after this chunk.
   */
  endOfStream?: boolean;
}

export interface ColumnInfo {
  /** The column's name in staging and in the published table. */
  name: string;
  /** The source's own name for it (a file header) when `name` differs: the catalogue keeps it as the label. */
  label?: string;
  /** PostgreSQL type for the staging table (`text` for files). */
  pgType: string;
}

export interface RecordReader {
  columns: ColumnInfo[];
  /** The COPY options that read `payload` (e.g. `FORMAT csv, DELIMITER ','`). */
  copyOptions: string;
  totalBytes?: number;
  /** An estimate of the rows to come (a table's planner statistics), for progress and ETA. */
  estimatedRows?: number;
  /** The unique column rows arrive ordered by (tables and queries that can resume after a key). */
  key?: string;
  chunks(): AsyncGenerator<SourceChunk>;
  close(): Promise<void>;
}
