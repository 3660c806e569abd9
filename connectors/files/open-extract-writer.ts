import type { ExtractColumn, ExtractFileWriter, ExtractFormat } from './extract-writer.ts';
import { openCsvWriter } from './csv-writer.ts';
import { openNdjsonWriter } from './ndjson-writer.ts';
import { openArrowWriter } from './arrow-writer.ts';
import { openParquetWriter } from './parquet-writer.ts';

const WRITERS: Record<ExtractFormat, (path: string, columns: readonly ExtractColumn[]) => Promise<ExtractFileWriter>> = {
  csv: openCsvWriter,
  ndjson: openNdjsonWriter,
  arrow: openArrowWriter,
  parquet: openParquetWriter,
};

export function openExtractWriter(format: ExtractFormat, path: string, columns: readonly ExtractColumn[]): Promise<ExtractFileWriter> {
  return WRITERS[format](path, columns);
}
