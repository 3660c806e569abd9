import type { PublishPassSummary } from '../../schemas/stream-publish-run.ts';
import type { OutgoingMessage } from '../../connectors/source-chunk.ts';
import { activityConfig, activityLogger, classifyErrors } from '../context.ts';
import { stageBatches, type StageService } from '../staging/batch-stager.ts';
import { withKeepAlive } from '../staging/keep-alive.ts';
import { openSourceReader } from '../staging/open-source.ts';
import { openMessageBatchSink, type MessageBatchSink } from '../staging/message-batch-sink.ts';
import { outgoingMasks } from '../distribute/outgoing-masks.ts';
import { recordWatermarkOn } from '../../catalogue/watermarks.ts';
import { messageKey } from '../../governance/masking/display.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { PublishCheckpoint } from './publish-checkpoint.ts';
import { planStreamPublish, type PublishPlan } from './publish-plan.ts';
import { changeMessages } from './publish-messages.ts';
import { subjectFor } from './publish-subject.ts';
import { openPublishTarget, type OpenedTarget } from './publish-target.ts';
import { holdPublishLock } from './publish-lock.ts';
import { publishWatermark, publishWatermarkName } from './publish-watermark.ts';
import { finishPass, type StagedPass } from './publish-finish.ts';
import { publishStep, type PublishStreamInput } from './publish-pass.ts';

/**
 * One pass of a stream output, on the batch stager: the rows of the governed table changed since the
 * watermark, in (cursor, key) order, turned into messages (masked as planned), published batch by
 * batch; each batch's checkpoint and the watermark commit only after the broker confirmed every
 * message of it. A retry resumes after the last confirmed batch and re-sends the rest under the same
 * message ids, which the stream's duplicate window drops. Then the pass is recorded (metrics, audit).
 */
export async function publishStream(input: PublishStreamInput): Promise<PublishPassSummary> {
  return classifyErrors(() =>
    withKeepAlive(async (beat) => {
      const { runId, spec } = input;
      const config = activityConfig();
      const step = publishStep(spec, input.pass);
      const lock = await holdPublishLock(config.databaseUrl, publishWatermarkName(spec));
      try {
        const plan = await planStreamPublish(config, spec);
        const syncedUpTo = await publishWatermark(spec);
        const target = await openPublishTarget(config, spec.target, spec.options.heartbeatSeconds, `dataops ${spec.job}`);
        let staged: StagedPass;
        try {
          staged = await stageBatches(publishService(input, step, plan, syncedUpTo, target), beat);
        } finally {
          await target.sink.close();
        }
        const summary = await finishPass(input, step, staged);
        activityLogger({ runId, step }).info({ rows: summary.rows, duplicates: summary.duplicates, target: summary.target }, 'published');
        return summary;
      } finally {
        await lock.release();
      }
    }),
  );
}

function publishService(
  { runId, spec, notAfter }: PublishStreamInput,
  step: string,
  plan: PublishPlan,
  syncedUpTo: { cursor: string; key: string } | undefined,
  target: OpenedTarget,
): StageService<PublishCheckpoint, StagedPass, readonly OutgoingMessage[]> {
  const config = activityConfig();
  const outgoing = outgoingMasks(config, plan);
  const name = publishWatermarkName(spec);
  const toMessages = changeMessages({
    job: spec.job,
    columns: plan.targetColumns,
    maskers: outgoing.maskers,
    keyIndex: plan.keyIndex,
    cursorIndex: plan.cursorIndex,
    deletedIndex: plan.deletedIndex,
    subject: subjectFor(spec.target),
  });
  const shownKey = messageKey(plan.keyLevel);
  let sink: MessageBatchSink | undefined;
  /** Where the watermark stands before the next batch: each commit moves it only from there (a compare-and-set). */
  let standing: { cursor: string; key: string } | null = null;
  return {
    runId,
    step,
    batchRows: spec.options.batchRows,
    openSource: (position) => openSourceReader(config, plan.source, position, { syncedUpTo: position ? undefined : syncedUpTo, notAfter }),
    async start(source, committed, client) {
      // The stager commits asynchronously (a lost batch is redone from its checkpoint). Here a lost commit
      // would move the watermark back behind messages the broker already has: re-sent, possibly after the
      // duplicate window. The commit that follows the broker's confirmation must be durable.
      await client.query('SET synchronous_commit = on');
      const resumedAt = committed?.position;
      standing =
        resumedAt?.lastCursor != null && resumedAt.lastKey != null && committed!.rows > 0
          ? { cursor: resumedAt.lastCursor, key: resumedAt.lastKey }
          : (committed?.syncedFrom ?? syncedUpTo ?? null);
      const state: PublishCheckpoint = committed ?? {
        position: null,
        rows: 0,
        bytes: 0,
        batches: 0,
        columns: source.reader.columns,
        stagingTable: target.sink.describe,
        sourceTable: plan.sourceTable,
        connection: spec.target.connection,
        target: target.sink.describe,
        ...(target.stream ? { duplicateWindowMs: target.stream.duplicateWindowMs } : {}),
        key: plan.key,
        cursorColumn: spec.source.incremental.cursor,
        ...(syncedUpTo ? { syncedFrom: syncedUpTo } : {}),
        sentColumns: plan.targetColumns.map((c) => c.name),
        masking: outgoing.record,
        duplicates: 0,
      };
      return {
        state,
        transform: {
          async absorb(chunk, batch) {
            const messages = toMessages(chunk.rows);
            const limit = target.maxMessageBytes;
            for (let i = 0; i < messages.length; i++) {
              if (messages[i]!.data.length > limit) {
                throw new BadInputError(
                  `the row with key ${shownKey(chunk.rows[i]![plan.keyIndex]!)} makes a message of ${messages[i]!.data.length} bytes; ` +
                    `${target.sink.describe} takes at most ${limit}: leave wide columns out (source.columns)`,
                );
              }
            }
            await batch.write(messages);
          },
          // Inside the batch's transaction, after the broker confirmed it: the watermark moves with the checkpoint.
          async commit(client, next) {
            const confirmed = sink!.lastBatch;
            const at = next.position;
            if (confirmed.messages && at?.lastCursor != null && at.lastKey != null) {
              await recordWatermarkOn(
                client,
                name,
                { cursorColumn: next.cursorColumn, keyColumn: next.key, cursor: at.lastCursor, key: at.lastKey, runId },
                standing,
              );
              standing = { cursor: at.lastCursor, key: at.lastKey };
            }
            return { ...next, duplicates: next.duplicates + confirmed.duplicates };
          },
          progress: (committed) => ({ duplicates: committed.duplicates }),
        },
      };
    },
    async openSink(init) {
      sink = openMessageBatchSink(init, target.sink);
      return sink;
    },
    summary: (state, attempt, resumedFromRow) => ({ state, attempt, resumedFromRow }),
  };
}
