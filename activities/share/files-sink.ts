import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchSink, SinkInit } from '../staging/batch-sink.ts';
import { parseCopyText } from '../../connectors/postgres/copy-text.ts';
import { EXTRACT_EXTENSION, type ExtractFileWriter } from '../../connectors/files/extract-writer.ts';
import { openExtractWriter } from '../../connectors/files/open-extract-writer.ts';
import type { Field } from '../../connectors/source-chunk.ts';
import type { SharedFile } from '../../schemas/share-run.ts';
import type { ShareFilesCheckpoint } from './share-files-checkpoint.ts';

/** The extract's files, written as batches arrive; also what finishes the last file when the source is read out. */
export interface FilesSink extends BatchSink {
  /** Closes the file being written (or, for an empty extract, writes one empty file) and returns every finished file. */
  finish(): Promise<SharedFile[]>;
  readonly finished: readonly SharedFile[];
}

/**
 * Batches into numbered files in the attempt's partial folder (`part-00001.csv` ...), a new file every
 * `rowsPerFile` rows. Nothing here is visible to the consumer: publishing moves the whole folder into
 * place. An attempt never resumes another's files; it starts over in a folder of its own.
 */
export function openFilesSink(init: SinkInit, state: ShareFilesCheckpoint): FilesSink {
  const finished: SharedFile[] = [];
  let ready = init.ready;
  let writer: ExtractFileWriter | undefined;
  let inFile = 0;
  const name = () => `part-${String(finished.length + 1).padStart(5, '0')}.${EXTRACT_EXTENSION[state.format]}`;
  const closeFile = async () => {
    if (!writer) return;
    const current = name();
    const written = await writer.close();
    writer = undefined;
    inFile = 0;
    finished.push({ name: current, ...written });
  };
  const writeRows = async (rows: Field[][]) => {
    let at = 0;
    while (at < rows.length) {
      writer ??= await openExtractWriter(state.format, join(state.partialPath, name()), state.extractColumns);
      const take = Math.min(rows.length - at, state.rowsPerFile - inFile);
      await writer.write(at === 0 && take === rows.length ? rows : rows.slice(at, at + take));
      at += take;
      inFile += take;
      if (inFile >= state.rowsPerFile) await closeFile();
    }
  };
  const sink: FilesSink = {
    columns: init.columns,
    get created() {
      return ready;
    },
    get finished() {
      return finished;
    },
    async ensure() {
      if (ready) return;
      await mkdir(state.partialPath, { recursive: true });
      await init.onCreate(sink.columns);
      ready = true;
    },
    async write(payload) {
      if (!payload.length) return;
      await sink.ensure();
      await writeRows(parseCopyText(payload.toString('utf8')));
    },
    async widen() {
      throw new Error('a share writes the types it planned: no widening');
    },
    async endStream() {},
    async commit(work) {
      await work();
    },
    async abort() {
      await writer?.abort();
      writer = undefined;
    },
    async finish() {
      await sink.ensure();
      if (!writer && !finished.length) writer = await openExtractWriter(state.format, join(state.partialPath, name()), state.extractColumns);
      await closeFile();
      return [...finished];
    },
  };
  return sink;
}
