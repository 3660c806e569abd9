import type pg from 'pg';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import type { ColumnInfo, SourceChunk, SourcePosition } from '../../connectors/source-chunk.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { activityConfig, activityLogger } from '../context.ts';
import { forgetCheckpoint, takeOverCheckpoint, writeCheckpoint } from './checkpoint.ts';
import type { Beat } from './keep-alive.ts';
import type { LiveCounts } from '../../schemas/progress.ts';
import type { OpenedSource } from './open-source.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { STAGING_SCHEMA, type StagingLayout } from './staging-table.ts';
import { StagingSink } from './staging-sink.ts';
import type { BatchSink, SinkInit } from './batch-sink.ts';

/** What every staging checkpoint holds; services add their own fields. */
export interface StagedState {
  position: SourcePosition | null;
  /** Source records read so far. */
  rows: number;
  bytes: number;
  batches: number;
  /** The staging table's columns and types. */
  columns: ColumnInfo[];
  stagingTable: string;
  /** The attempt that finished staging (>1 when it resumed after a crash). */
  stagedAttempt?: number;
}

/** A service's part of one attempt: what it does with each chunk and what it adds to each commit. */
export interface ChunkTransform<S extends StagedState, W = Buffer> {
  /** COPY options of what `absorb` writes (default: the source's own, for rows forwarded as read). */
  copyOptions?: string;
  /** Staging columns the service looks rows up by inside its commits, and the table's fill factor. */
  layout?: StagingLayout;
  /** Puts one source chunk into the open batch, writing its rows through `sink`. */
  absorb(chunk: SourceChunk, sink: BatchSink<W>): Promise<void>;
  /**
   * Runs inside the batch transaction after the rows are written and before the checkpoint; gets the
   * state with the shared counts advanced and returns the service's complete next state.
   */
  commit?(client: pg.Client, next: S): Promise<S>;
  /** Service counts to show with the progress (e.g. records rejected so far). */
  progress?(committed: S): Partial<LiveCounts>;
}

/** `W`: what the service's sink takes per write (COPY payloads, unless its own `openSink` takes something else). */
export interface StageService<S extends StagedState, R, W = Buffer> {
  runId: string;
  /** Names the checkpoint and staging table, and labels logs and progress. */
  step: string;
  batchRows: number;
  /** Opens the source at a committed position (undefined: from the start), given the committed state. */
  openSource(position: SourcePosition | undefined, committed: S | undefined): Promise<OpenedSource>;
  /** Whether a committed checkpoint can continue on this source (default: the source can resume). */
  canResume?(committed: S, source: OpenedSource): boolean;
  /** Extra work of this run and step to forget when it starts over, inside the given transaction. */
  discard?(client: pg.Client): Promise<void>;
  /** Prepares the attempt: the committed state, or a fresh one when `committed` is undefined. */
  start(source: OpenedSource, committed: S | undefined, client: pg.Client): Promise<{ state: S; transform: ChunkTransform<S, W> }>;
  summary(state: S, attempt: number, resumedFromRow: number): R;
  /** Failures after which the service restages from scratch (its checkpoint is dropped first). */
  restartAfter?(error: unknown): boolean;
  /**
   * The staging table exists before any attempt starts and other activities write into it too (the
   * key ranges of one step): the sink never creates or drops it.
   */
  sharedTable?: boolean;
  /** Where batches go (default: the run's staging table in the centre database; required when `W` is not Buffer). */
  openSink?(init: SinkInit, state: S): Promise<BatchSink<W>>;
  /**
   * A cancelled attempt commits the chunk in hand and ends as a finished one, returning its summary,
   * instead of failing as cancelled; the source ends its chunks once cancelled (streams: a paused slice).
   */
  finishOnCancel?: boolean;
}

/** Thrown instead of a failure the service restages after (`restartAfter`); its checkpoint is gone by then. */
export class RestageRequested extends Error {
  override readonly name = 'RestageRequested';
  constructor(override readonly cause: unknown) {
    super(`restaging after: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Longest stretch of work between two turns of the event loop, so the heartbeat timer always runs. */
const MAX_BUSY_MS = 100;

/**
 * The one batch-staging loop every service runs: connect, claim the checkpoint, resume or restart,
 * stream the source through the service's transform, commit each batch's rows with the checkpoint
 * that describes them in one transaction, heartbeat, and report progress. A retry continues exactly
 * after the last commit; an attempt that was superseded can no longer commit (see checkpoint.ts).
 */
export async function stageBatches<S extends StagedState, R, W = Buffer>(service: StageService<S, R, W>, beat: Beat): Promise<R> {
  const { runId, step } = service;
  const ctx = Context.current();
  const attempt = ctx.info.attempt;
  const log = activityLogger({ runId, step });
  const client = await connectPostgres(activityConfig().databaseUrl, { application: `dataops-${step}`, label: 'the centre database' });
  try {
    // A batch lost to a database crash is lost with its checkpoint and redone: no need to wait for the WAL flush.
    await client.query('SET synchronous_commit = off');
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${STAGING_SCHEMA}`);
    let committed = await takeOverCheckpoint<S>(client, runId, step, attempt);
    if (committed && committed.status !== 'staging') return service.summary(committed.state, attempt, committed.state.rows);
    let source = await service.openSource(committed?.state.position ?? undefined, committed?.state);
    try {
      if (committed && !(service.canResume?.(committed.state, source) ?? source.resumable)) {
        log.warn('source cannot resume from its checkpoint; starting over');
        await source.close();
        await forgetCheckpoint(client, runId, step, service.discard);
        committed = undefined;
        source = await service.openSource(undefined, undefined);
      }
      const { state, transform } = await service.start(source, committed?.state, client);
      if (committed) log.info({ rows: state.rows, position: state.position }, 'resuming from checkpoint');
      const staged = await stageChunks(service, { client, source, state, transform, ready: Boolean(committed), beat });
      log.info({ rows: staged.rows, batches: staged.batches, resumedFromRow: state.rows }, 'staged');
      return service.summary(staged, attempt, state.rows);
    } finally {
      await source.close();
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Attempt<S extends StagedState, W> {
  client: pg.Client;
  source: OpenedSource;
  state: S;
  transform: ChunkTransform<S, W>;
  /** Whether the staging table exists already (a resumed attempt). */
  ready: boolean;
  beat: Beat;
}

async function stageChunks<S extends StagedState, R, W>(service: StageService<S, R, W>, a: Attempt<S, W>): Promise<S> {
  const { runId, step } = service;
  const ctx = Context.current();
  const attempt = ctx.info.attempt;
  const { client, source, transform } = a;
  let state = a.state;
  const init: SinkInit = {
    client,
    table: state.stagingTable,
    columns: state.columns,
    copyOptions: transform.copyOptions ?? source.reader.copyOptions,
    ready: a.ready || Boolean(service.sharedTable),
    layout: transform.layout ?? {},
    onCreate: async (columns) => {
      state = { ...state, columns };
      await writeCheckpoint(client, runId, step, 'staging', state, attempt);
    },
    committedPosition: () => state.position,
  };
  // Without openSink the service writes COPY payloads (W is Buffer): the staging table takes them.
  const sink: BatchSink<W> = service.openSink
    ? await service.openSink(init, state)
    : (new StagingSink(init.client, init.table, init.columns, init.copyOptions, init.ready, init.layout, init.onCreate) as unknown as BatchSink<W>);
  const progress = new ProgressReporter(step);
  let batch = { rows: 0, bytes: 0, position: state.position };
  /** Acknowledgements the open batch's chunks wait for (brokers): sent once the batch committed, never before. */
  let acknowledgements: (() => Promise<void>)[] = [];
  const report = (force = false) => {
    const counts: LiveCounts = {
      step,
      rows: state.rows + batch.rows,
      bytes: state.bytes + batch.bytes,
      totalBytes: source.reader.totalBytes,
      totalRows: source.reader.estimatedRows,
      batches: state.batches,
      ...transform.progress?.(state),
    };
    // Heartbeat details are the live counts (resuming reads the checkpoint, never the heartbeat).
    a.beat(counts);
    progress.report(counts, force);
  };
  const commit = async () => {
    await sink.ensure();
    await sink.commit(async () => {
      let next: S = {
        ...state,
        position: batch.position,
        columns: sink.columns,
        rows: state.rows + batch.rows,
        bytes: state.bytes + batch.bytes,
        batches: state.batches + 1,
      };
      if (transform.commit) next = await transform.commit(client, next);
      await writeCheckpoint(client, runId, step, 'staging', next, attempt);
      state = next;
    });
    batch = { rows: 0, bytes: 0, position: state.position };
    const committed = acknowledgements;
    acknowledgements = [];
    for (const acknowledge of committed) await acknowledge();
  };
  try {
    let busySince = Date.now();
    for await (const chunk of source.reader.chunks()) {
      if (ctx.cancellationSignal.aborted && !service.finishOnCancel) throw new CancelledFailure(`${step} cancelled`);
      await transform.absorb(chunk, sink);
      if (chunk.acknowledge) acknowledgements.push(chunk.acknowledge);
      if (chunk.endOfStream) await sink.endStream();
      batch = { rows: batch.rows + chunk.rows.length, bytes: batch.bytes + chunk.bytes, position: chunk.end };
      if (batch.rows >= service.batchRows) await commit();
      report();
      // Reads and writes that never wait for I/O would keep the heartbeat timer from ever firing.
      if (Date.now() - busySince > MAX_BUSY_MS) {
        await nextMacrotask();
        busySince = Date.now();
      }
    }
    await commit();
    state = { ...state, stagedAttempt: attempt };
    await writeCheckpoint(client, runId, step, 'staged', state, attempt);
    await sink.close?.();
    report(true);
    return state;
  } catch (error) {
    await sink.abort();
    await sink.close?.();
    if (!service.restartAfter?.(error)) throw error;
    await forgetCheckpoint(client, runId, step, service.discard);
    throw new RestageRequested(error);
  }
}
