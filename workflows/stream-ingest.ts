import {
  ActivityCancellationType,
  CancellationScope,
  ContinueAsNew,
  condition,
  continueAsNew,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Progress } from '../schemas/progress.ts';
import type { IngestSliceSummary, StreamIngestInput, StreamRunState, StreamStatus, StreamTotals } from '../schemas/stream-run.ts';
import {
  DataOpsRecords,
  pauseSignal,
  progressQuery,
  progressSignal,
  resumeSignal,
  type StreamControl,
  stopSignal,
  streamControlUpdate,
  streamStatusQuery,
} from './definitions.ts';
import { bookkeeping } from './lifecycle.ts';
import { runContext } from './run-context.ts';
import { streamDetails } from './stream-details.ts';

/** Slices per workflow run before continue-as-new: a slice adds a few dozen events, so history stays small. */
const SLICES_PER_RUN = 100;

const ZERO: StreamTotals = { messages: 0, written: 0, quarantined: 0, duplicates: 0, poison: 0, bytes: 0 };

/**
 * One long-lived workflow per stream: slice after slice, an ingest activity reads the stream for a
 * bounded time (committing and acknowledging micro-batches); pause and stop cancel the running slice
 * between batches, resume starts the next. History is cut by continue-as-new, carrying only the slice
 * number, state and totals. A retried slice resumes on the broker's redelivery; bad input fails the run.
 */
export async function streamIngest(input: StreamIngestInput): Promise<StreamStatus> {
  const { runId, spec, logicalDate } = runContext(input);
  const carried = input.carried;
  const heartbeat = spec.options.heartbeatSeconds;

  let state: StreamRunState = carried?.paused ? 'paused' : 'running';
  let slice = carried?.slice ?? 0;
  let totals: StreamTotals = carried?.totals ?? ZERO;
  const startedAt = carried?.startedAt ?? new Date().toISOString();
  let live: Progress | undefined;
  let rate: number | undefined;
  let running: CancellationScope | undefined;
  /** The running slice was cancelled by pause or stop (not by the workflow's own cancellation). */
  let cancelledByUs = false;
  // Signal and update handlers change the state between awaits: read it through a call, not a narrowed variable.
  const stateNow = (): StreamRunState => state;

  const status = (): StreamStatus => {
    const counts = live && live.step === `ingest@${slice}` ? liveTotals(totals, live) : totals;
    return { runId, job: spec.job, state, slice, totals: counts, rate, startedAt, updatedAt: live?.updatedAt ?? startedAt };
  };
  const show = () => setCurrentDetails(streamDetails(spec, status()));
  const control = (action: StreamControl): StreamRunState => {
    if (state === 'stopping' || state === 'stopped') return state;
    if (action === 'resume') {
      if (state === 'paused') state = 'running';
    } else {
      state = action === 'pause' ? 'paused' : 'stopping';
      if (running) {
        cancelledByUs = true;
        running.cancel();
      }
    }
    show();
    return state;
  };
  setHandler(pauseSignal, () => void control('pause'));
  setHandler(resumeSignal, () => void control('resume'));
  setHandler(stopSignal, () => void control('stop'));
  // The update answers once the slice in hand has finished its batch: "paused" then means nothing reads.
  setHandler(streamControlUpdate, async (action) => {
    const reached = control(action);
    if (action !== 'resume') await condition(() => running === undefined);
    return reached;
  });
  setHandler(streamStatusQuery, status);
  setHandler(progressQuery, () => ({ ...(live ?? { rows: 0, bytes: 0, batches: 0, attempt: 1, updatedAt: startedAt }), phase: 'staging' }) as Progress);
  setHandler(progressSignal, (update) => {
    if (live && live.step === update.step && update.rows >= live.rows) {
      const seconds = (Date.parse(update.updatedAt) - Date.parse(live.updatedAt)) / 1000;
      if (seconds > 0) rate = (update.rows - live.rows) / seconds;
    }
    live = update;
    show();
  });

  if (!carried) {
    await bookkeeping.startRun.executeWithOptions(
      { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['BadInput'] }, summary: `record stream run ${runId}` },
      [{ runId, spec, logicalDate }],
    );
  }
  show();
  try {
    for (let slicesThisRun = 0; stateNow() !== 'stopping'; ) {
      if (stateNow() === 'paused') {
        await bookkeeping.markStream({ job: spec.job, state: 'paused' });
        await condition(() => state !== 'paused');
        if (stateNow() !== 'running') continue;
        await bookkeeping.markStream({ job: spec.job, state: 'running' });
        // Paused (or stopped) again while that was recorded: no slice starts.
        if (stateNow() !== 'running') continue;
      }
      running = new CancellationScope();
      const summary = await running
        .run(() =>
          bookkeeping.ingestStream.executeWithOptions(
            {
              startToCloseTimeout: `${spec.options.sliceSeconds * 2 + 600} seconds`,
              heartbeatTimeout: `${heartbeat} seconds`,
              // Wait for a cancelled slice to finish its batch, so "paused" means nothing is reading.
              cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
              // A stream outlives outages: infrastructure errors retry for as long as it takes, bad input does not.
              retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['BadInput'] },
              summary: `slice ${slice}: read for ${spec.options.sliceSeconds}s, commit then acknowledge each batch`,
            },
            [{ runId, spec, slice }],
          ),
        )
        .catch((error: unknown): IngestSliceSummary | undefined => {
          // Our own pause or stop cancelled the slice (it may end cancelled, or time out on a worker that died
          // meanwhile: either way the slice is over). The workflow itself cancelled, or a real failure, ends the run.
          if (cancelledByUs && !CancellationScope.current().consideredCancelled) return undefined;
          throw error;
        })
        .finally(() => {
          running = undefined;
          cancelledByUs = false;
        });
      totals = (await bookkeeping.streamTotals({ job: spec.job })) ?? (summary ? summaryTotals(summary) : totals);
      live = undefined;
      slice++;
      slicesThisRun++;
      upsertSearchAttributes([{ key: DataOpsRecords, value: totals.written }]);
      show();
      if (stateNow() === 'running' && (slicesThisRun >= SLICES_PER_RUN || workflowInfo().continueAsNewSuggested)) {
        await continueAsNew<typeof streamIngest>({ runId, spec, logicalDate, carried: { slice, paused: false, totals, startedAt } });
      }
    }
    state = 'stopped';
    show();
    // The last slice's (empty) staging table and checkpoint go with the run; what it committed stays.
    await bookkeeping.forgetSlices({ runId });
    await bookkeeping.markStream({ job: spec.job, state: 'stopped' });
    await bookkeeping.finishRun({ runId, status: 'succeeded' });
    return status();
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    await CancellationScope.nonCancellable(async () => {
      await bookkeeping.forgetSlices({ runId });
      await bookkeeping.markStream({ job: spec.job, state: isCancellation(error) ? 'stopped' : 'failed' });
      await bookkeeping.finishRun({ runId, status: isCancellation(error) ? 'cancelled' : 'failed', error: (error as Error).message });
    });
    throw error;
  }
}

function summaryTotals(s: IngestSliceSummary): StreamTotals {
  return {
    messages: s.messages,
    written: s.written,
    quarantined: s.quarantined,
    duplicates: s.duplicates,
    poison: s.poison,
    bytes: s.bytes,
    lastSequence: s.lastSequence,
    lag: s.lag,
  };
}

/** The committed totals before this slice plus the slice's live counts. */
function liveTotals(before: StreamTotals, p: Progress): StreamTotals {
  return {
    messages: before.messages + p.rows,
    written: before.written + (p.written ?? 0),
    quarantined: before.quarantined + (p.rejected ?? 0),
    duplicates: before.duplicates + (p.duplicates ?? 0),
    poison: before.poison,
    bytes: before.bytes + p.bytes,
    lastSequence: p.lastSequence ?? before.lastSequence,
    lag: p.lag ?? before.lag,
  };
}
