import type { MaskingRecord } from '../distribute/outgoing-masks.ts';
import type { StagedState } from '../staging/batch-stager.ts';
import type { ExtractColumn, ExtractFormat } from '../../connectors/files/extract-writer.ts';
import type { CompiledFilter } from '../../governance/row-filter.ts';
import type { SharedFile } from '../../schemas/share-run.ts';

/** A file share's checkpoint: the shared staging state, the folder the files go to, and what is written. */
export interface ShareFilesCheckpoint extends StagedState {
  sourceTable: string;
  connection: string;
  format: ExtractFormat;
  /** The run's folder relative to the connection's root, and the absolute paths of it and of this attempt's partial folder. */
  directory: string;
  finalPath: string;
  partialPath: string;
  rowsPerFile: number;
  /** The columns as written (masked ones as text). */
  extractColumns: ExtractColumn[];
  /** Files finished so far, in order. */
  files: SharedFile[];
  masking: MaskingRecord;
  where?: CompiledFilter;
}
