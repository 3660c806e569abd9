import type { Field } from '../source-chunk.ts';

/** One column of an extract: its name and the PostgreSQL type its values are sent as (masked columns: text). */
export interface ExtractColumn {
  name: string;
  pgType: string;
}

export interface WrittenFile {
  rows: number;
  bytes: number;
  /** Of the file's bytes as written, hex. */
  sha256: string;
}

/**
 * The one contract of the extract file writers (CSV, NDJSON, Arrow IPC, Parquet): rows arrive as the
 * text fields PostgreSQL printed (COPY text, NULL as null) and are written typed, per the column's type.
 */
export interface ExtractFileWriter {
  write(rows: Field[][]): Promise<void>;
  /** Finishes the file (durably) and says what it holds. */
  close(): Promise<WrittenFile>;
  /** Gives up on the file, leaving whatever was written for the caller to remove. */
  abort(): Promise<void>;
}

export type ExtractFormat = 'csv' | 'ndjson' | 'parquet' | 'arrow';

export const EXTRACT_EXTENSION: Record<ExtractFormat, string> = { csv: 'csv', ndjson: 'ndjson', parquet: 'parquet', arrow: 'arrow' };
