import { Context } from '@temporalio/activity';
import { collectsNewFilesOnly, type CollectJobSpec } from '../../schemas/job-spec.ts';
import { isGlob } from '../../schemas/file-glob.ts';
import type { FileSequenceReader } from '../../connectors/file-sequence-reader.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { TableProfiler, type TableProfileState } from '../../governance/profile/column-profiler.ts';
import { initialTypes, typeChanges } from '../../governance/speculative-types.ts';
import { activityConfig, activityDb, activityLogger, classifyErrors } from '../context.ts';
import { getWatermark } from '../../catalogue/watermarks.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { RestageRequested, stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { stagingTableName, type StagingLayout } from '../staging/staging-table.ts';
import { rangeStep, type KeyRange } from '../../governance/key-ranges.ts';
import type { RangePlan } from '../staging/key-ranges.ts';
import type { CollectCheckpoint } from './collect-checkpoint.ts';
import { chooseTyping, fallbackAfter, type Fallback } from './collect-typing.ts';
import { pickFiles, type FilePick } from './pick-files.ts';

export interface StageCollectInput {
  runId: string;
  spec: CollectJobSpec;
  /** The time the run is for: an incremental sync reads no rows stamped after it (a backfill reads its own window). */
  logicalDate?: string;
}

export const COLLECT_STEP = 'collect';
const MERGE_FILLFACTOR = 90;

/**
 * Streams the source into a run-scoped staging table in committed batches, profiling every row. CSV
 * columns are typed speculatively from the first chunk and widened in place when later values need it,
 * so PostgreSQL casts while it copies and publishing needs no table rewrite; when speculation fails the
 * run restages with a safer typing.
 */
export async function stageCollect(input: StageCollectInput): Promise<StageSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      let fallback: Fallback = 'none';
      for (;;) {
        try {
          return await stageBatches(collectService(input, fallback), beat);
        } catch (error) {
          if (!(error instanceof RestageRequested)) throw error;
          fallback = fallbackAfter(error.cause)!;
          activityLogger({ runId: input.runId, step: COLLECT_STEP }).info({ error: error.message, restageAs: fallback }, 'restaging with safer column types');
        }
      }
    }),
  );
}

/** One key range of a collection split by source.parallelism (see stage-collect-range.ts). */
export interface RangeRead {
  index: number;
  range: KeyRange;
  plan: RangePlan;
}

/** The staging table of a collection: table sources split into ranges all write into this one, made by the planner. */
export const collectStagingTable = (runId: string) => stagingTableName(runId, COLLECT_STEP);

export function collectLayout(spec: CollectJobSpec): StagingLayout | undefined {
  // A merge target's first load becomes the table later merges update: room on each page lets
  // PostgreSQL update rows in place (HOT), without a new index entry or a second page per row.
  return spec.target.mode === 'merge' ? { fillfactor: MERGE_FILLFACTOR } : undefined;
}

export function collectService(
  { runId, spec, logicalDate }: StageCollectInput,
  fallback: Fallback,
  ranged?: RangeRead,
): StageService<CollectCheckpoint, StageSummary> {
  let speculative = false;
  let picked: FilePick | undefined;
  return {
    runId,
    step: ranged ? rangeStep(COLLECT_STEP, ranged.index) : COLLECT_STEP,
    batchRows: spec.options.batchRows,
    sharedTable: Boolean(ranged),
    // A fresh run of an incremental sync starts after the watermark; a resumed one after its own checkpoint.
    // A fresh run of a folder source picks its files; a resumed one reads the files it picked.
    async openSource(position, committed) {
      if (ranged) return openSourceReader(activityConfig(), spec.source, position, { range: ranged.range });
      if (!readsFileList(spec)) {
        return openSourceReader(activityConfig(), spec.source, position, { syncedUpTo: position ? undefined : await syncedUpTo(spec), notAfter: logicalDate });
      }
      picked = committed?.files
        ? { files: committed.files, notes: committed.fileNotes ?? [] }
        : await pickFiles(activityConfig(), activityDb(), spec, Date.now());
      const onColumnChange = collectsNewFilesOnly(spec) ? 'stop' : 'fail';
      return openSourceReader(activityConfig(), spec.source, position, { files: { list: picked.files, onColumnChange } });
    },
    canResume(committed, source) {
      const same = committed.columns.map((c) => c.name).join() === source.reader.columns.map((c) => c.name).join();
      // The other ranges staged the old columns into the table they share: one range cannot start over alone.
      if (ranged && !same) throw new BadInputError("the source's columns changed while its key ranges were being staged: run the job again");
      return source.resumable && same;
    },
    async start(source, committed) {
      const columns = source.reader.columns;
      const state: CollectCheckpoint = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns,
        typing: chooseTyping(spec, fallback),
        profile: new TableProfiler(columns.map((c) => c.name)).toState(),
        stagingTable: collectStagingTable(runId),
        startedAttempt: Context.current().info.attempt,
        timeZone: source.timeZone,
        ...(picked ? { files: picked.files, fileRows: picked.files.map(() => 0), fileNotes: picked.notes } : {}),
      };
      const fileRows = state.fileRows ? [...state.fileRows] : undefined;
      speculative = state.typing === 'speculative';
      const profiler = TableProfiler.fromState(state.profile as TableProfileState);
      // A merge is catalogued from a profile of the whole merged table: profiling the rows read is wasted,
      // unless their types are being guessed from them.
      const profiling = spec.target.mode !== 'merge' || speculative;
      return {
        state,
        transform: {
          layout: collectLayout(spec),
          async absorb(chunk, sink) {
            if (profiling) for (let i = 0; i < chunk.rows.length; i++) profiler.addRow(chunk.rows[i]!);
            if (fileRows && chunk.end.file !== undefined && chunk.rows.length) fileRows[chunk.end.file]! += chunk.rows.length;
            if (speculative && !sink.created) sink.columns = initialTypes(columns, profiler.typeHints());
            await sink.ensure();
            if (speculative) await sink.widen(typeChanges(sink.columns, profiler.typeHints()));
            await sink.write(chunk.payload);
          },
          async commit(_client, next) {
            if (!fileRows) return { ...next, profile: profiler.toState() };
            const stopped = (source.reader as FileSequenceReader).stopReason?.();
            const notes = stopped && !next.fileNotes?.includes(stopped) ? [...(next.fileNotes ?? []), stopped] : next.fileNotes;
            return { ...next, profile: profiler.toState(), fileRows: [...fileRows], fileNotes: notes };
          },
        },
      };
    },
    restartAfter: (error) => speculative && fallbackAfter(error) !== undefined,
    summary: (s, attempt, resumedFromRow) => ({ rows: s.rows, bytes: s.bytes, batches: s.batches, attempt, resumedFromRow, stagingTable: s.stagingTable }),
  };
}

/** File sources read through a picked list of files: folders (globs), and single files taken once. */
function readsFileList(spec: CollectJobSpec): boolean {
  return spec.source.type === 'file' && (isGlob(spec.source.path) || collectsNewFilesOnly(spec));
}

/** Where the dataset's last published sync stopped, checked against the columns the spec syncs by. */
async function syncedUpTo(spec: CollectJobSpec): Promise<{ cursor: string; key: string } | undefined> {
  const source = spec.source;
  if (source.type === 'file' || !source.incremental) return undefined;
  const watermark = await getWatermark(activityDb(), spec.dataset);
  if (!watermark) return undefined;
  const key = source.incremental.key ?? source.key;
  if (watermark.cursorColumn !== source.incremental.cursor || watermark.keyColumn !== key) {
    throw new BadInputError(
      `dataset ${spec.dataset} was synced by (${watermark.cursorColumn}, ${watermark.keyColumn}), the spec now says (${source.incremental.cursor}, ${key}); ` +
        `to sync the whole source again by the new columns: dataops watermarks reset ${spec.dataset}`,
    );
  }
  return { cursor: watermark.cursor, key: watermark.key };
}
