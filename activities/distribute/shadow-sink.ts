import type { BatchSink, SinkInit } from '../staging/batch-sink.ts';
import type { TargetTables } from '../../connectors/target-tables.ts';
import type { DistributeCheckpoint } from './distribute-checkpoint.ts';

/** Another attempt wrote to the shadow table since this one's last commit: this one must stop. */
export class ShadowTakenOverError extends Error {
  override readonly name = 'ShadowTakenOverError';
}

/**
 * Batches into the shadow table in the department's database. The rows commit there first and the
 * checkpoint in the centre right after; an attempt that resumes first deletes what was written past
 * its checkpoint, and every batch starts by locking the shadow and checking that its last key is the
 * one this attempt last committed, so an attempt superseded while it still runs cannot add a row.
 */
export async function openShadowSink(init: SinkInit, state: DistributeCheckpoint, tables: TargetTables): Promise<BatchSink> {
  const { shadow, key, resumable, range } = state;
  const names = state.targetColumns.map((c) => c.name);
  let ready = init.ready;
  let inBatch = false;
  const committedKey = () => init.committedPosition()?.lastKey ?? null;
  if (ready && resumable) {
    await tables.begin();
    await tables.lockAndLastKey(shadow, key, range);
    await tables.deleteAfter(shadow, key, committedKey(), range);
    await tables.commit();
  }
  const sink: BatchSink = {
    columns: init.columns,
    get created() {
      return ready;
    },
    async ensure() {
      if (ready) return;
      await tables.create(shadow, state.targetColumns, key);
      await init.onCreate(sink.columns);
      ready = true;
    },
    async write(payload) {
      if (!payload.length) return;
      await sink.ensure();
      if (!inBatch) {
        await tables.begin();
        inBatch = true;
        if (resumable) {
          const last = await tables.lockAndLastKey(shadow, key, range);
          if (last !== committedKey()) {
            throw new ShadowTakenOverError(
              `${tables.label(shadow)} ends at key ${last ?? '(empty)'}, not at ${committedKey() ?? '(empty)'} where this attempt last committed: another attempt took over`,
            );
          }
        }
      }
      await tables.write(shadow, names, payload);
    },
    async widen() {
      throw new Error('a distribution sends the types it planned: no widening');
    },
    endStream: () => tables.endStream(),
    async commit(work) {
      if (inBatch) {
        await tables.commit();
        inBatch = false;
      }
      await work();
    },
    async abort() {
      if (inBatch) await tables.rollback();
      inBatch = false;
    },
    close: () => tables.close(),
  };
  return sink;
}
