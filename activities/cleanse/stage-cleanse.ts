import type { CleanseJobSpec } from '../../schemas/job-spec.ts';
import type { CleanseStageSummary } from '../../schemas/cleanse-run.ts';
import { activityConfig, classifyErrors } from '../context.ts';
import { stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader, VALUE_TEXT_SETTINGS } from '../staging/open-source.ts';
import { stagingTableName } from '../staging/staging-table.ts';
import { cleanseTransform } from './cleanse-batch.ts';
import type { CleanseCheckpoint } from './cleanse-checkpoint.ts';
import { CLEANSE_STEP, compileCleansePlan, outputColumns } from './cleanse-plan.ts';
import { loadBoundaries, loadReferences } from './references.ts';

export interface StageCleanseInput {
  runId: string;
  spec: CleanseJobSpec;
  logicalDate?: string;
}

/**
 * Streams the source through the rule plan in committed batches: clean and flagged rows into a
 * run-scoped staging table (flags as JSON), every rejected record into `dataops.quarantine` with its rule
 * and reason. Rows, quarantine entries, rule counters, the dedup index and the source position commit in
 * one transaction per batch, so a retry resumes exactly after the last commit.
 */
export async function stageCleanse(input: StageCleanseInput): Promise<CleanseStageSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const config = activityConfig();
      const references = { tables: await loadReferences(config, input.spec.references), boundaries: await loadBoundaries(config, input.spec.boundaries) };
      return stageBatches(cleanseService(input, references), beat);
    }),
  );
}

function cleanseService(
  { runId, spec }: StageCleanseInput,
  { tables, boundaries }: { tables: Awaited<ReturnType<typeof loadReferences>>; boundaries: Awaited<ReturnType<typeof loadBoundaries>> },
): StageService<CleanseCheckpoint, CleanseStageSummary> {
  return {
    runId,
    step: CLEANSE_STEP,
    batchRows: spec.options.batchRows,
    openSource: (position) => openSourceReader(activityConfig(), spec.source, position),
    // A keyless source starts over: its quarantine entries and dedup records so far go with the checkpoint.
    discard: async (client) => {
      await client.query('DELETE FROM dataops.quarantine WHERE run_id = $1 AND step = $2', [runId, CLEANSE_STEP]);
      await client.query('DELETE FROM dataops.dedup_log WHERE run_id = $1 AND step = $2', [runId, CLEANSE_STEP]);
    },
    async start(source, committed, client) {
      const { reader } = source;
      const plan = compileCleansePlan(
        spec,
        reader.columns.map((c) => c.name),
        tables,
        boundaries,
      );
      // A superseded row is read back from staging as text for the quarantine: make it print as the source did.
      await client.query(VALUE_TEXT_SETTINGS);
      if (source.timeZone) await client.query("SELECT set_config('TimeZone', $1, false)", [source.timeZone]);
      const keyColumns = spec.key?.length ? spec.key : reader.key ? [reader.key] : [];
      const state: CleanseCheckpoint = committed ?? {
        position: null,
        rows: 0,
        clean: 0,
        flagged: 0,
        rejected: 0,
        fixes: 0,
        bytes: 0,
        batches: 0,
        nextRef: 0,
        columns: outputColumns(spec, reader.columns, plan.derivedColumns),
        counters: plan.newCounters().toJSON(),
        tracker: plan.dedup ? plan.newTracker().header() : null,
        stagingTable: stagingTableName(runId, CLEANSE_STEP),
        keyColumns,
        timeZone: source.timeZone,
      };
      return { state, transform: await cleanseTransform(client, runId, plan, state, state.keyColumns ?? keyColumns) };
    },
    summary: (c, attempt, resumedFromRow) => ({
      rows: c.rows,
      clean: c.clean,
      flagged: c.flagged,
      rejected: c.rejected,
      fixes: c.fixes,
      bytes: c.bytes,
      batches: c.batches,
      attempt,
      resumedFromRow,
      stagingTable: c.stagingTable,
    }),
  };
}
