import type { Config } from '../../schemas/config.ts';
import type { CollectSource, QuerySource, TableSource } from '../../schemas/sources.ts';
import { resolveFilePath, resolvePostgresUrl, sessionTimeZone } from '../../config/connections.ts';
import { openCsvFile } from '../../connectors/csv/csv-file-reader.ts';
import { openNdjsonFile } from '../../connectors/ndjson/ndjson-file-reader.ts';
import { openPgReader, type ChangeWindow } from '../../connectors/postgres/table-reader.ts';
import { durationMs } from '../../schemas/duration.ts';
import type pg from 'pg';
import type { RecordReader, SourcePosition } from '../../connectors/source-chunk.ts';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import { publishedColumnNames, type PinyinWords } from '../../governance/column-names.ts';
import type { KeyRange } from '../../governance/key-ranges.ts';
import { openFileSequence, type FileInSequence } from '../../connectors/file-sequence-reader.ts';

/** Session settings under which typed values come out of PostgreSQL as the same text on any server. */
export const VALUE_TEXT_SETTINGS = "SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3";

export interface OpenedSource {
  reader: RecordReader;
  /** False when a retry cannot continue from a position and must start over (keyless queries). */
  resumable: boolean;
  /** A database source's session time zone: timestamptz values read back elsewhere need it to print the same. */
  timeZone?: string;
  close(): Promise<void>;
}

/**
 * Opens the source and gives its columns their published names (renames from the spec, or derived
 * names), each keeping the source's own name as its label. Readers only see source names; staging,
 * rules and the published table see the published ones.
 */
export async function openSourceReader(config: Config, source: CollectSource, start: SourcePosition | undefined, sync: SyncWindow = {}): Promise<OpenedSource> {
  const opened = await openReader(config, source, start, sync);
  try {
    nameColumns(opened.reader, source, source.columnNames === 'pinyin' ? await pinyinWords() : undefined);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

/** pinyin-pro holds a dictionary of some 16 MB: loaded by the runs that ask for pinyin names, not by every worker. */
async function pinyinWords(): Promise<PinyinWords> {
  const { pinyin } = await import('pinyin-pro');
  return (text) => pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
}

function nameColumns(reader: RecordReader, source: CollectSource, words: PinyinWords | undefined): void {
  // A folder sync with no new file reads nothing: there are no headers to rename.
  if (!reader.columns.length) return;
  const rename = source.columns === undefined || Array.isArray(source.columns) ? undefined : source.columns;
  const headers = reader.columns.map((c) => c.name);
  const { names, problems } = publishedColumnNames(headers, { rename, naming: source.columnNames, words });
  const where = source.type === 'file' ? (source.path.split('/').pop() ?? source.path) : `source connection "${source.connection}"`;
  if (problems.length) throw new BadInputError(`${where}: its columns cannot be published as they are:\n  ${problems.join('\n  ')}`);
  if (reader.key) reader.key = names[headers.indexOf(reader.key)];
  reader.columns = reader.columns.map((c, i) => (names[i] === c.name ? { ...c, name: names[i]! } : { ...c, name: names[i]!, label: c.name }));
}

/** Where an incremental sync starts (the watermark) and the latest time it may read up to (the run's logical date). */
export interface SyncWindow {
  syncedUpTo?: { cursor: string; key: string };
  notAfter?: string;
  /** A folder source: the files this run reads, in order, and whether a file with other columns ends the run's share. */
  files?: { list: FileInSequence[]; onColumnChange: 'stop' | 'fail' };
  /** A table or query read in key ranges: the one range this read takes. */
  range?: KeyRange;
}

/**
 * The rows an incremental sync may read now: after where the last sync stopped, and with a cursor
 * older than both `now() - lag` and the start of the oldest write transaction still open on the
 * source, whose rows may yet commit with older cursor values. (Other roles' transactions are only
 * visible with pg_read_all_stats; the lag covers those.)
 */
async function changeWindow(client: pg.Client, source: TableSource | QuerySource, sync: SyncWindow): Promise<ChangeWindow> {
  const incremental = source.incremental!;
  const key = incremental.key ?? source.key;
  if (!key) throw new BadInputError('an incremental source needs a key breaking ties between equal cursors: set incremental.key (or source.key)');
  const lagMs = durationMs(incremental.lag)!;
  const bound = await client.query<{ before: string }>(
    `SELECT least(now() - make_interval(secs => $1::double precision / 1000),
                  (SELECT min(xact_start) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()),
                  $2::timestamptz)::text AS before`,
    [lagMs, sync.notAfter ?? null],
  );
  return { cursor: incremental.cursor, key, after: sync.syncedUpTo, before: bound.rows[0]!.before };
}

/** A read-only session on a source connection, printing values as every reader of it does. */
export async function connectSource(config: Config, connection: string): Promise<{ client: pg.Client; timeZone: string }> {
  const url = resolvePostgresUrl(config, connection);
  const client = await connectPostgres(url, { application: 'dataops-source', label: `source connection "${connection}"` });
  try {
    // Read-only, with output formats that COPY round-trips exactly whatever the server's defaults. No JIT:
    // compiling the window's expressions costs more than reading a night's changes takes.
    await client.query(`SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET jit = off; ${VALUE_TEXT_SETTINGS}`);
    const zone = sessionTimeZone(config, connection);
    if (zone) {
      await client.query("SELECT set_config('TimeZone', $1, false)", [zone]).catch((error: Error) => {
        throw new BadInputError(`time zone "${zone}" for connection "${connection}" is not one PostgreSQL knows: ${error.message}`);
      });
    }
    const timeZone = (await client.query<{ TimeZone: string }>('SHOW TimeZone')).rows[0]!.TimeZone;
    return { client, timeZone };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

async function openReader(config: Config, source: CollectSource, start: SourcePosition | undefined, sync: SyncWindow): Promise<OpenedSource> {
  if (source.type === 'file') {
    const open = (path: string, at: SourcePosition | undefined) =>
      source.format === 'ndjson'
        ? openNdjsonFile(path, at, source.compression)
        : openCsvFile(path, { encoding: source.encoding, compression: source.compression, delimiter: source.delimiter, quote: source.quote, start: at });
    const reader = sync.files
      ? await openFileSequence(sync.files.list, start, { open, onColumnChange: sync.files.onColumnChange })
      : await open(resolveFilePath(config, source.connection, source.path), start);
    return { reader, resumable: true, close: () => reader.close() };
  }
  const { client, timeZone } = await connectSource(config, source.connection);
  try {
    const window = source.incremental ? await changeWindow(client, source, sync) : undefined;
    const reader = await openPgReader(client, source, source.connection, start, window, sync.range);
    return {
      reader,
      resumable: Boolean(reader.key),
      timeZone,
      async close() {
        await reader.close();
        await client.end().catch(() => undefined);
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
