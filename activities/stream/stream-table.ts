import { createHash } from 'node:crypto';
import type pg from 'pg';
import { quoteIdent, quoteTable } from '../../connectors/postgres/quote.ts';
import type { ColumnInfo } from '../../connectors/source-chunk.ts';
import { BadInputError } from '../../errors/bad-input.ts';
import type { StreamIngestJobSpec } from '../../schemas/job-spec.ts';
import type { StreamField } from '../../schemas/stream-ingest-spec.ts';

/** The columns every stream table has beside the declared fields: which message each row came from. */
export const MESSAGE_ID_COLUMN = 'dataops_message_id';
export const SEQUENCE_COLUMN = 'dataops_seq';
export const SUBJECT_COLUMN = 'dataops_subject';
export const PUBLISHED_AT_COLUMN = 'dataops_published_at';
export const FLAGS_COLUMN = 'dataops_flags';
const INGESTED_AT_COLUMN = 'dataops_ingested_at';
const BOOKKEEPING = [MESSAGE_ID_COLUMN, SEQUENCE_COLUMN, SUBJECT_COLUMN, PUBLISHED_AT_COLUMN, FLAGS_COLUMN, INGESTED_AT_COLUMN];

const PG_TYPES: Record<StreamField['type'], string> = {
  string: 'text',
  integer: 'bigint',
  number: 'numeric',
  boolean: 'boolean',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
};

/** The staging columns, in the order each batch's COPY writes them: the declared fields, then the message's. */
export function streamColumns(spec: StreamIngestJobSpec): ColumnInfo[] {
  return [
    ...Object.entries(spec.fields).map(([name, field]) => ({ name, pgType: PG_TYPES[field.type] })),
    { name: MESSAGE_ID_COLUMN, pgType: 'text' },
    { name: SEQUENCE_COLUMN, pgType: 'bigint' },
    { name: SUBJECT_COLUMN, pgType: 'text' },
    { name: PUBLISHED_AT_COLUMN, pgType: 'timestamptz' },
    { name: FLAGS_COLUMN, pgType: 'jsonb' },
  ];
}

/**
 * The dedupe key the target's unique index holds: the declared key, else the broker's identity of the
 * message (JetStream's `<stream>:<sequence>`; MQTT's digest of topic and payload). A partitioned table's unique index
 * must hold the partition field too; a redelivered message carries the same value, so dedupe still holds.
 */
export function dedupeColumns(spec: StreamIngestJobSpec): string[] {
  // `<stream>:<sequence>` rather than the sequence alone: another stream's sequence 1 is another message.
  const key = spec.key ?? [MESSAGE_ID_COLUMN];
  const partition = spec.target.partitionBy?.field;
  return partition && !key.includes(partition) ? [...key, partition] : key;
}

function defaultSchema(table: string): string {
  return table.includes('.') ? table : `stream.${table}`;
}

/** The target table as a qualified reference (`stream.<table>` when the spec names no schema). */
export function streamTableRef(spec: StreamIngestJobSpec): string {
  return defaultSchema(spec.target.table);
}

/**
 * Creates the target table on first start, or checks an existing one: declared fields it lacks are
 * added (a field declared later), a field whose column has another type is refused. The unique index on
 * the dedupe key is what makes a redelivered message land once.
 */
export async function ensureStreamTable(client: pg.ClientBase, spec: StreamIngestJobSpec): Promise<void> {
  const ref = streamTableRef(spec);
  const [schema, table] = ref.split('.') as [string, string];
  const columns = streamColumns(spec);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const existing = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`,
    [quoteTable(ref)],
  );
  if (!existing.rowCount) {
    const partition = spec.target.partitionBy;
    const definitions = [...columns.map((c) => `${quoteIdent(c.name)} ${c.pgType}`), `${quoteIdent(INGESTED_AT_COLUMN)} timestamptz NOT NULL DEFAULT now()`];
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoteTable(ref)} (${definitions.join(', ')})${partition ? ` PARTITION BY RANGE (${quoteIdent(partition.field)})` : ''}`,
    );
  } else {
    const types = new Map(existing.rows.map((r) => [r.name, r.type]));
    const wrong = columns.filter((c) => types.has(c.name) && shortType(types.get(c.name)!) !== shortType(c.pgType));
    if (wrong.length) {
      throw new BadInputError(
        `${ref} exists with other column types than the stream declares: ${wrong.map((c) => `${c.name} is ${types.get(c.name)}, declared ${c.pgType}`).join('; ')}`,
      );
    }
    const missing = columns.filter((c) => !types.has(c.name));
    if (missing.length) await client.query(`ALTER TABLE ${quoteTable(ref)} ${missing.map((c) => `ADD COLUMN ${quoteIdent(c.name)} ${c.pgType}`).join(', ')}`);
  }
  const key = dedupeColumns(spec);
  const indexName = `${table.slice(0, 40)}_dedupe_${createHash('sha256').update(key.join('\u0000')).digest('hex').slice(0, 8)}`;
  await client.query(`CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(indexName)} ON ${quoteTable(ref)} (${key.map(quoteIdent).join(', ')})`);
}

function shortType(type: string): string {
  return type === 'timestamp with time zone' ? 'timestamptz' : type;
}

/** Which bookkeeping column names the stream reserves (a declared field may not use them). */
export function reservedColumns(spec: StreamIngestJobSpec): string[] {
  return Object.keys(spec.fields).filter((name) => BOOKKEEPING.includes(name));
}

/**
 * Partitions of a time-partitioned table for the staged batch's rows, one per day or month in the
 * centre's time zone, created the first time a reading falls in them (inside the batch transaction).
 */
export class PartitionKeeper {
  private readonly known = new Set<string>();

  constructor(
    private readonly spec: StreamIngestJobSpec,
    private readonly timeZone: string,
  ) {}

  async ensure(client: pg.ClientBase, stagingTable: string): Promise<void> {
    const partition = this.spec.target.partitionBy;
    if (!partition) return;
    const ref = streamTableRef(this.spec);
    const field = quoteIdent(partition.field);
    const isDate = this.spec.fields[partition.field]!.type === 'date';
    const step = partition.interval === 'day' ? "interval '1 day'" : "interval '1 month'";
    const format = partition.interval === 'day' ? 'YYYYMMDD' : 'YYYYMM';
    // Dates have no zone; timestamps are cut at the centre's midnights.
    const bounds = await client.query<{ lo: string; hi: string; name: string }>(
      isDate
        ? `SELECT lo::text, (lo + ${step})::date::text AS hi, to_char(lo, $2) AS name
             FROM (SELECT DISTINCT date_trunc($1, ${field}::timestamp)::date AS lo FROM ${quoteTable(stagingTable)}) s`
        : `SELECT lo::text, (((lo AT TIME ZONE $2) + ${step}) AT TIME ZONE $2)::text AS hi, to_char(lo AT TIME ZONE $2, $3) AS name
             FROM (SELECT DISTINCT date_trunc($1, ${field}, $2) AS lo FROM ${quoteTable(stagingTable)}) s`,
      isDate ? [partition.interval, format] : [partition.interval, this.timeZone, format],
    );
    for (const b of bounds.rows) {
      const name = `${ref}_p${b.name}`;
      if (this.known.has(name)) continue;
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoteTable(name)} PARTITION OF ${quoteTable(ref)} FOR VALUES FROM ('${b.lo.replace(/'/g, "''")}') TO ('${b.hi.replace(/'/g, "''")}')`,
      );
      this.known.add(name);
    }
  }
}

/**
 * Moves the staged batch into the target, skipping rows whose dedupe key is there already (a message
 * delivered again after a crash between commit and ack, or sent twice); returns the rows written.
 */
export async function moveIntoStreamTable(
  client: pg.ClientBase,
  spec: StreamIngestJobSpec,
  stagingTable: string,
  /** Also answer which messages were written (the device tracker counts only those). */
  withIds = false,
): Promise<{ written: number; ids?: Set<string> }> {
  const names = streamColumns(spec)
    .map((c) => quoteIdent(c.name))
    .join(', ');
  const key = dedupeColumns(spec).map(quoteIdent).join(', ');
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO ${quoteTable(streamTableRef(spec))} (${names}) SELECT ${names} FROM ${quoteTable(stagingTable)} ON CONFLICT (${key}) DO NOTHING` +
      (withIds ? ` RETURNING ${quoteIdent(MESSAGE_ID_COLUMN)} AS id` : ''),
  );
  await client.query(`TRUNCATE ${quoteTable(stagingTable)}`);
  return { written: inserted.rowCount ?? 0, ...(withIds ? { ids: new Set(inserted.rows.map((r) => r.id)) } : {}) };
}
