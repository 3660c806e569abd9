import type { RecordReader, SourcePosition } from '../../connectors/source-chunk.ts';
import { TableProfiler, type ColumnTypeHint, type TableProfileState } from '../../governance/profile/column-profiler.ts';

/** A chunk ready for staging: counted, profiled, with the bytes COPY reads. */
export interface StagedChunk {
  rows: number;
  payload: Buffer;
  bytes: number;
  end: SourcePosition;
  /** Storage-type hints after this chunk (for speculative typing). */
  hints: ColumnTypeHint[];
  /** Commit after this chunk: the profile state then covers exactly the chunks yielded so far. */
  batchEnd: boolean;
}

export interface ChunkPipeline {
  chunks(): AsyncGenerator<StagedChunk>;
  /** Valid after a `batchEnd` chunk and after the last chunk. */
  profileState(): Promise<TableProfileState>;
  close(): Promise<void>;
}

/**
 * Profiles each chunk as it passes and marks batch ends. (Parsing and profiling in a worker thread was
 * measured too: on two cores it gained nothing, as PostgreSQL's COPY already uses the other core.)
 */
export function inThreadPipeline(reader: RecordReader, profile: TableProfileState | null, batchRows: number): ChunkPipeline {
  const profiler = profile ? TableProfiler.fromState(profile) : new TableProfiler(reader.columns.map((c) => c.name));
  return {
    async *chunks() {
      let rowsInBatch = 0;
      for await (const chunk of reader.chunks()) {
        const rows = chunk.rows;
        for (let i = 0; i < rows.length; i++) profiler.addRow(rows[i]!);
        rowsInBatch += rows.length;
        const batchEnd = rowsInBatch >= batchRows;
        if (batchEnd) rowsInBatch = 0;
        yield { rows: rows.length, payload: chunk.payload, bytes: chunk.bytes, end: chunk.end, hints: profiler.typeHints(), batchEnd };
      }
    },
    profileState: async () => profiler.toState(),
    close: () => reader.close(),
  };
}

export function chunkPipeline(reader: RecordReader, profile: TableProfileState | null, batchRows: number): ChunkPipeline {
  return inThreadPipeline(reader, profile, batchRows);
}
