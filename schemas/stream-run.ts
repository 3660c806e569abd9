import type { StreamIngestJobSpec } from './job-spec.ts';

/** What the stream-ingest workflow carries across continue-as-new: the run, its spec and its totals (never messages). */
export interface StreamIngestInput {
  runId?: string;
  spec: StreamIngestJobSpec;
  logicalDate?: string;
  /** Set by continue-as-new: where the previous run of this workflow left off. */
  carried?: StreamCarried;
}

export interface StreamCarried {
  slice: number;
  paused: boolean;
  totals: StreamTotals;
  startedAt: string;
}

export interface StreamTotals {
  messages: number;
  written: number;
  quarantined: number;
  duplicates: number;
  poison: number;
  bytes: number;
  lastSequence?: number;
  lag?: number;
}

/** One ingest activity's account: its slice of the stream, counted once whatever attempts it took. */
export interface IngestSliceSummary extends StreamTotals {
  slice: number;
  batches: number;
  attempt: number;
  /** Messages of the slice an earlier attempt had committed already. */
  resumedFromMessage: number;
}

export type StreamRunState = 'running' | 'paused' | 'stopping' | 'stopped';

/** What `dataops stream status` and the Web UI show: the stream's state, totals and rate. */
export interface StreamStatus {
  runId: string;
  job: string;
  state: StreamRunState;
  slice: number;
  totals: StreamTotals;
  /** Messages per second over the last progress interval (the live rate), when known. */
  rate?: number;
  startedAt: string;
  updatedAt: string;
}
