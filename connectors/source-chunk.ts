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
  /** Brokers: the messages of the chunk (its rows are their ids, one each). */
  messages?: BrokerMessage[];
  /** Brokers: messages still waiting after this chunk, when the broker says (the lag). */
  backlog?: number;
  /** Brokers: acknowledges the chunk's messages. The stager calls it once the batch holding the chunk committed. */
  acknowledge?(): Promise<void>;
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

/**
 * Brokers (JetStream, MQTT; Kafka would be one more): the record contract's streaming half. A source
 * hands out bounded batches of messages that stay unacknowledged until the batch holding them committed;
 * a sink publishes and resolves only once the broker confirmed every message.
 */

/** One message as a broker delivered it. */
export interface BrokerMessage {
  /**
   * Stable across redeliveries: JetStream `<stream>:<sequence>`; MQTT (which has none) a digest of topic
   * and payload. Names the message in quarantine.
   */
  id: string;
  /** The JetStream subject or MQTT topic it arrived on. */
  subject: string;
  /** The broker's own order, when it keeps one (JetStream stream sequence). */
  sequence?: number;
  data: Uint8Array;
  /** 1 on first delivery. MQTT only says "redelivered" (DUP flag): 2 then, and the ingest counts on from there. */
  deliveries: number;
  /** When the broker stored it (JetStream), else when it arrived (ISO 8601). */
  timestamp: string;
}

export interface BatchBounds {
  maxMessages: number;
  maxBytes: number;
  /** Hand out what arrived by then, even if fewer. */
  maxWaitMs: number;
}

export interface MessageBatch {
  messages: BrokerMessage[];
  bytes: number;
  /** Messages still waiting for this consumer after the batch, when the broker says (the lag). */
  pending?: number;
  /**
   * Acknowledges the batch once the commit holding it is durable; messages at `terminate` (indexes) are
   * told never to come back (poison, quarantined). Resolves when the broker has been told (not
   * necessarily confirmed: a lost ack means a redelivery, which the dedupe key absorbs).
   */
  acknowledge(terminate?: ReadonlySet<number>): Promise<void>;
  /** Hands the batch back for redelivery (its commit failed). */
  release(): Promise<void>;
  /** Keeps a slow batch from being redelivered meanwhile (JetStream `working()`); a no-op where the broker has no such timer. */
  extend(): Promise<void>;
}

export interface MessageSource {
  /** What it reads, for logs and the run history: `jetstream PERMITS (permits.>)`. Never a URL. */
  describe: string;
  /** The next batch within the bounds; empty when nothing arrived within `maxWaitMs` or `signal` aborted. */
  next(bounds: BatchBounds, signal: AbortSignal): Promise<MessageBatch>;
  /** Releases what was handed out and not acknowledged, and disconnects. */
  close(): Promise<void>;
}

export interface OutgoingMessage {
  subject: string;
  /** Same id for a re-send of the same change: JetStream's duplicate window drops it. */
  id: string;
  data: Uint8Array;
}

export interface MessageSink {
  describe: string;
  /** Publishes in order; resolves once the broker confirmed each one, counting those it dropped as re-sends. */
  publish(messages: readonly OutgoingMessage[]): Promise<{ duplicates: number }>;
  close(): Promise<void>;
}

/** A message larger than the broker takes (NATS max_payload, MQTT maximum packet size): sending it again cannot help. */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';
  constructor(
    /** The message's id (OutgoingMessage.id). */
    readonly id: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`message ${id} is ${bytes} bytes; the broker takes at most ${limit}`);
  }
}
