import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import type { ShareJobSpec } from '../../schemas/job-spec.ts';
import type { SharedFile, SharePublishSummary } from '../../schemas/share-run.ts';
import { recordRunCounts } from '../../catalogue/runs.ts';
import { recordStepMetrics } from '../../catalogue/steps.ts';
import { activityDb, activityLogger, classifyErrors } from '../context.ts';
import type { CheckpointRow } from '../staging/checkpoint.ts';
import { publishDistribute } from '../distribute/publish-distribute.ts';
import { ReconciliationError } from '../distribute/reconciliation-error.ts';
import { DISTRIBUTE_STEP } from '../distribute/stage-distribute.ts';
import type { DistributeCheckpoint } from '../distribute/distribute-checkpoint.ts';
import { specHash } from '../../governance/spec-hash.ts';
import { recordAudit } from '../../catalogue/audit.ts';
import { startedBy } from '../audit/started-by.ts';
import { shareAsDistribution } from './share-as-distribution.ts';
import type { ShareFilesCheckpoint } from './share-files-checkpoint.ts';
import { SHARE_STEP } from './stage-share.ts';
import { refuseExpired } from './refuse-expired.ts';
import { extractManifest, MANIFEST_NAME } from './extract-manifest.ts';
import { removePartials } from './extract-folders.ts';

export interface PublishShareInput {
  runId: string;
  spec: ShareJobSpec;
  durationMs: number;
}

type Masking = ShareFilesCheckpoint['masking'];

function common(
  spec: ShareJobSpec,
  masking: Masking,
): Pick<SharePublishSummary, 'consumer' | 'purpose' | 'expires' | 'specHash' | 'filtered' | 'masked' | 'keyVersion'> {
  return {
    consumer: spec.consumer,
    purpose: spec.purpose,
    expires: spec.expires,
    specHash: specHash(spec),
    filtered: spec.filter !== undefined,
    masked: Object.fromEntries(Object.entries(masking.masks).filter(([, mask]) => mask !== 'none')),
    ...(masking.keyVersion ? { keyVersion: masking.keyVersion } : {}),
  };
}

/**
 * Publishes a staged share: a table is reconciled against the filtered source and swapped in (the
 * distribution's publish); files are checked against their recorded SHA-256, given manifest.json, and
 * their folder renamed into place in one step. Returns what left, to whom, how masked: the audit's input.
 */
export async function publishShare(input: PublishShareInput): Promise<SharePublishSummary> {
  return classifyErrors(async () => {
    const { spec, runId } = input;
    if ('table' in spec.output) {
      const row = (await activityDb()('dataops.checkpoints').where({ run_id: runId, step: DISTRIBUTE_STEP }).first('status', 'state')) as
        | CheckpointRow<DistributeCheckpoint>
        | undefined;
      if (row && row.status !== 'published') refuseExpired(spec);
      const published = await publishDistribute({
        runId,
        spec: shareAsDistribution(spec),
        durationMs: input.durationMs,
        auditAs: { action: 'share', specHash: specHash(spec), recipient: spec.consumer, details: shareAuditDetails(spec) },
      });
      const state = row!.state;
      return {
        ...common(spec, state.masking),
        output: 'table',
        connection: published.connection,
        table: published.table,
        rows: published.rows,
        columns: state.targetColumns.map((c) => ({ name: c.name, type: c.type })),
        reconciled: published.reconciled,
      };
    }
    const summary = await publishFiles(input);
    activityLogger({ runId, step: SHARE_STEP }).info(summary, 'shared');
    return summary;
  });
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Every staged file is there, whole, and nothing else is: the folder moved into place is exactly what was written. */
async function verifyFiles(partialPath: string, files: readonly SharedFile[]): Promise<void> {
  const present = (await readdir(partialPath)).filter((n) => n !== MANIFEST_NAME).sort();
  const expected = files.map((f) => f.name).sort();
  if (present.join('\n') !== expected.join('\n')) {
    throw new ReconciliationError(`${partialPath} holds ${present.join(', ') || 'no files'}, the run wrote ${expected.join(', ') || 'none'}: not published`);
  }
  for (const f of files) {
    const path = join(partialPath, f.name);
    const size = (await stat(path)).size;
    const sha = await sha256Of(path);
    if (size !== f.bytes || sha !== f.sha256)
      throw new ReconciliationError(`${path} changed after it was written (${size} bytes, sha256 ${sha}): not published`);
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  await writeFile(path, text, 'utf8');
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function publishFiles(input: PublishShareInput): Promise<SharePublishSummary> {
  const { runId, spec } = input;
  const attempt = Context.current().info.attempt;
  // Read before the transaction: a call to the Temporal server should not hold the checkpoint lock.
  const starter = await startedBy();
  return activityDb().transaction(async (trx) => {
    const row = (await trx('dataops.checkpoints').where({ run_id: runId, step: SHARE_STEP }).forUpdate().first()) as
      | CheckpointRow<ShareFilesCheckpoint & { publish?: SharePublishSummary }>
      | undefined;
    if (!row) throw new Error(`no staged files for run ${runId}`);
    if (row.status === 'published') return row.state.publish!;
    if (row.status !== 'staged') throw new Error(`run ${runId} is not fully staged (status ${row.status})`);
    const state = row.state;
    const manifestPath = join(state.finalPath, MANIFEST_NAME);
    if (await exists(state.partialPath)) {
      refuseExpired(spec);
      await verifyFiles(state.partialPath, state.files);
      const manifest = extractManifest(runId, spec, specHash(spec), state, new Date());
      await writeDurably(join(state.partialPath, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
      await mkdir(dirname(state.finalPath), { recursive: true });
      if (await exists(state.finalPath)) throw new ReconciliationError(`${state.finalPath} exists already: an extract folder is never written over`);
      // One rename: the consumer sees no folder, or the whole extract with its manifest.
      await rename(state.partialPath, state.finalPath);
    } else {
      // A retry after the rename whose commit was lost: the folder in place must be this run's.
      const placed = (await exists(manifestPath)) ? (JSON.parse(await readFile(manifestPath, 'utf8')) as { runId?: string }) : undefined;
      if (placed?.runId !== runId)
        throw new Error(`the staged files of run ${runId} are gone from ${state.partialPath}, and ${state.finalPath} is not this run's extract`);
    }
    await removePartials(state.finalPath, runId);
    const published: SharePublishSummary = {
      ...common(spec, state.masking),
      output: 'files',
      connection: state.connection,
      directory: state.directory,
      format: state.format,
      files: state.files,
      rows: state.rows,
      columns: state.extractColumns.map((c) => ({ name: c.name, type: c.pgType })),
      reconciled: true,
    };
    await recordStepMetrics(trx, {
      run_id: runId,
      step: SHARE_STEP,
      attempt: state.stagedAttempt ?? attempt,
      records_in: state.rows,
      records_out: state.rows,
      records_rejected: 0,
      bytes: state.files.reduce((n, f) => n + f.bytes, 0),
      duration_ms: input.durationMs,
    });
    await recordRunCounts(trx, runId, { records_in: state.rows, records_out: state.rows, records_rejected: 0, accuracy: null });
    // In this transaction, after the early return for a published run: one entry per share, however often retried.
    await recordAudit(trx, {
      actor: starter.identity,
      action: 'share',
      runId,
      job: spec.job,
      dataset: spec.dataset,
      department: spec.department,
      recipient: spec.consumer,
      specHash: specHash(spec),
      rows: state.rows,
      columns: state.extractColumns.map((c) => c.name),
      masking: state.masking,
      details: {
        ...shareAuditDetails(spec),
        connection: state.connection,
        directory: state.directory,
        format: state.format,
        files: state.files,
        startedBy: starter,
      },
    });
    await trx('dataops.checkpoints')
      .where({ run_id: runId, step: SHARE_STEP })
      .update({ status: 'published', state: JSON.stringify({ ...state, publish: published }), updated_at: trx.fn.now() });
    return published;
  });
}

/** What the audit log keeps of a share beside its rows and columns: why, until when, and which rows. */
function shareAuditDetails(spec: ShareJobSpec): Record<string, unknown> {
  return { purpose: spec.purpose, expires: spec.expires, ...(spec.filter ? { filter: spec.filter } : {}) };
}
