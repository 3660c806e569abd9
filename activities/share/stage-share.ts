import { outgoingMasks } from '../distribute/outgoing-masks.ts';
import { Context } from '@temporalio/activity';
import type { ShareJobSpec } from '../../schemas/job-spec.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { activityConfig, activityDb, classifyErrors } from '../context.ts';
import { stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { databaseKind, maxUnmaskedLevel, resolveFilePath } from '../../config/connections.ts';
import { planDistribution, type DistributionPlan } from '../distribute/plan-distribution.ts';
import { stageDistribute } from '../distribute/stage-distribute.ts';
import { shareAsDistribution } from './share-as-distribution.ts';
import type { ShareFilesCheckpoint } from './share-files-checkpoint.ts';
import { openFilesSink, type FilesSink } from './files-sink.ts';
import { partialFolder, removePartials, runFolderName } from './extract-folders.ts';
import { refuseExpired } from './refuse-expired.ts';

export const SHARE_STEP = 'share';

/** Default rows per file: Arrow IPC and Parquet files are built in memory before they are written. */
const ROWS_PER_FILE = { csv: 1_000_000, ndjson: 1_000_000, arrow: 200_000, parquet: 200_000 } as const;

export interface StageShareInput {
  runId: string;
  spec: ShareJobSpec;
}

/** Where a file share's run writes: its folder under the connection's root, relative and absolute. */
export function shareFolder(spec: ShareJobSpec, runId: string): { connection: string; directory: string; finalPath: string } {
  if (!('files' in spec.output)) throw new Error('not a file share');
  const config = activityConfig();
  const { connection, path } = spec.output.files;
  const kind = databaseKind(config, connection);
  if (kind === undefined) throw new BadInputError(`unknown connection "${connection}"`);
  if (kind !== 'files') throw new BadInputError(`connection "${connection}" is a ${kind} connection; files go to a files connection (a folder)`);
  const directory = `${path ?? spec.job}/${runFolderName(runId)}`;
  return { connection, directory, finalPath: resolveFilePath(config, connection, directory) };
}

/**
 * Stages a share: to a table, as a distribution of the filtered rows (shadow table, then swap at
 * publish); to files, through the same batch stager into a partial folder that publishing moves into
 * place. Expired shares, unknown filter columns and columns above the output's level are refused first.
 */
export async function stageShare(input: StageShareInput): Promise<StageSummary> {
  const { spec, runId } = input;
  if ('table' in spec.output) {
    await classifyErrors(async () => refuseExpired(spec));
    return stageDistribute({ runId, spec: shareAsDistribution(spec), filter: spec.filter });
  }
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      refuseExpired(spec);
      const config = activityConfig();
      const folder = shareFolder(spec, runId);
      const client = await connectPostgres(config.databaseUrl, { application: 'dataops-share', label: 'the centre database' });
      let plan: DistributionPlan;
      try {
        plan = await planDistribution(activityDb(), client, shareAsDistribution(spec), 'postgres', maxUnmaskedLevel(config, folder.connection), spec.filter);
      } finally {
        await client.end().catch(() => undefined);
      }
      return stageBatches(filesService(input, plan, folder), beat);
    }),
  );
}

function filesService(
  { runId, spec }: StageShareInput,
  plan: DistributionPlan,
  folder: { connection: string; directory: string; finalPath: string },
): StageService<ShareFilesCheckpoint, StageSummary> {
  const output = 'files' in spec.output ? spec.output.files : undefined;
  if (!output) throw new Error('not a file share');
  const attempt = Context.current().info.attempt;
  const outgoing = outgoingMasks(activityConfig(), plan);
  let sink: FilesSink | undefined;
  let readOut = false;
  return {
    runId,
    step: SHARE_STEP,
    batchRows: spec.options.batchRows,
    async openSource(position) {
      const opened = await openSourceReader(activityConfig(), plan.source, position);
      const chunks = opened.reader.chunks.bind(opened.reader);
      // The last file is finished in the last commit, which must know the source is read out.
      opened.reader.chunks = async function* () {
        yield* chunks();
        readOut = true;
      };
      return opened;
    },
    // Files are not resumed mid-way: a retry starts over in a partial folder of its own.
    canResume: () => false,
    async start(source, committed) {
      const state: ShareFilesCheckpoint = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns: source.reader.columns,
        stagingTable: `files:${folder.connection}:${folder.directory}`,
        sourceTable: plan.sourceTable,
        connection: folder.connection,
        format: output.format,
        directory: folder.directory,
        finalPath: folder.finalPath,
        partialPath: partialFolder(folder.finalPath, runId, attempt),
        rowsPerFile: output.rowsPerFile ?? ROWS_PER_FILE[output.format],
        extractColumns: plan.targetColumns.map((c) => ({ name: c.name, pgType: c.type })),
        files: [],
        masking: outgoing.record,
        ...(plan.where ? { where: plan.where } : {}),
      };
      return {
        state,
        transform: {
          async absorb(chunk, into) {
            await into.write(outgoing.payload(chunk));
          },
          async commit(_client, next) {
            const files = readOut ? await sink!.finish() : [...sink!.finished];
            return { ...next, files };
          },
        },
      };
    },
    async openSink(init, state) {
      await removePartials(state.finalPath, runId);
      sink = openFilesSink(init, state);
      return sink;
    },
    summary: (s, at, resumedFromRow) => ({ rows: s.rows, bytes: s.bytes, batches: s.batches, attempt: at, resumedFromRow, stagingTable: s.stagingTable }),
  };
}
