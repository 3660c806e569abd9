import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { to as copyTo } from 'pg-copy-streams';
import type { Knex } from 'knex';
import { withCentreDb } from '../centre-db.ts';
import {
  quarantinedRecords,
  quarantineEntries,
  quarantineEntryCount,
  quarantineExportSelect,
  quarantineOfRecord,
  quarantineSummary,
  type QuarantineEntry,
} from '../../catalogue/quarantine.ts';
import { getRun, resolveRun } from '../../catalogue/runs.ts';
import { columnLevelsOfRun } from '../../catalogue/column-levels.ts';
import { recordAudit } from '../../catalogue/audit.ts';
import { localIdentity } from '../../temporal/identity.ts';
import { PersonalColumns } from '../personal-data.ts';
import { formatCount, formatTable } from '../format-table.ts';

function withRun(runOrDataset: string, body: (runId: string, db: Knex, databaseUrl: string) => Promise<number>): Promise<number> {
  return withCentreDb(async (db, databaseUrl) => {
    const resolved = await resolveRun(db, runOrDataset);
    if (!resolved) {
      console.error(`no run, and no published run of a dataset, named "${runOrDataset}" (see: dataops runs --dataset ${runOrDataset})`);
      return 1;
    }
    if (resolved.chosen === 'newest-published') console.error(`showing run ${resolved.runId}, the newest published run of dataset ${runOrDataset}`);
    return await body(resolved.runId, db, databaseUrl);
  });
}

const both = (r: { reason_zh: string; reason: string }) => `${r.reason_zh} / ${r.reason}`;

export interface RevealOption {
  /** Show L3/L4 values in clear; audited before anything is shown. */
  reveal?: boolean;
}

/**
 * The personal columns of a run's records, or none when the user reveals them: then an audit entry
 * (actor user@host, the run, the rows about to be shown, the columns shown in clear) is written first.
 * Without personal columns there is nothing to mask and nothing to audit.
 */
async function personalColumns(
  db: Knex,
  runId: string,
  options: RevealOption,
  shown: {
    command: string;
    /** How many records (or entries) are about to be shown. */
    rows: () => Promise<number>;
    /** The personal columns about to be shown in clear (default: all of the run's). */
    columns?: (personal: PersonalColumns) => string[];
    recipient?: string;
    details?: Record<string, unknown>;
  },
): Promise<PersonalColumns> {
  const personal = new PersonalColumns(await columnLevelsOfRun(db, runId));
  // A reveal is audited whatever the catalogue says: an undescribed column may hold personal data too.
  if (!options.reveal) return personal;
  const run = await getRun(db, runId);
  const actor = localIdentity();
  await recordAudit(db, {
    actor,
    action: 'reveal',
    runId,
    job: run?.job ?? null,
    dataset: run?.dataset ?? null,
    department: run?.department ?? null,
    recipient: shown.recipient ?? actor,
    rows: await shown.rows(),
    columns: shown.columns ? shown.columns(personal) : personal.names,
    details: { command: shown.command, ...shown.details },
  });
  return new PersonalColumns(new Map(), true);
}

function maskEntry(personal: PersonalColumns, e: QuarantineEntry): QuarantineEntry {
  return { ...e, source_ref: personal.ref(e.source_ref, e.record)!, duplicate_of: personal.ref(e.duplicate_of), record: personal.record(e.record) };
}

/** Rejected records of a run: counts per rule and specific reason, then the first entries. */
export function quarantineListCommand(run: string, options: { rule?: string; limit: number; json?: boolean } & RevealOption): Promise<number> {
  return withRun(run, async (runId, db) => {
    const groups = await quarantineSummary(db, runId);
    const raw = await quarantineEntries(db, runId, options);
    const personal = await personalColumns(db, runId, options, {
      command: 'quarantine list',
      rows: async () => raw.length,
      columns: (personal) => [...new Set(raw.flatMap((e) => personal.namesIn(e.record)))],
      details: { rule: options.rule ?? null },
    });
    const entries = raw.map((e) => maskEntry(personal, e));
    if (options.json) {
      console.log(JSON.stringify({ runId, records: await quarantinedRecords(db, runId), groups, entries }, null, 2));
      return 0;
    }
    console.log(`${runId}: ${formatCount(await quarantinedRecords(db, runId))} records quarantined\n`);
    console.log(
      formatTable(
        ['rule', 'column', 'records', 'reason'],
        groups.map((g) => [g.rule_id, g.column_name, formatCount(g.count), both(g)]),
      ),
    );
    if (entries.length) {
      console.log('');
      console.log(
        formatTable(
          ['source', 'rule', 'column', 'value', 'kept record'],
          entries.map((e) => {
            const first = String(e.column_name).split(',')[0] ?? '';
            return [e.source_ref, e.rule_id, e.column_name, first in e.record ? String(e.record[first]) : '', e.duplicate_of ?? ''];
          }),
        ),
      );
      // A reference masked with its key's values cannot be looked up: it takes the revealed list.
      const showOne =
        entries[0]!.source_ref === raw[0]!.source_ref
          ? `dataops quarantine show ${runId} '${entries[0]!.source_ref}'`
          : `dataops quarantine list ${runId} --reveal for the references`;
      console.log(`\nshow one: ${showOne}   ·   all: dataops quarantine export ${runId} --out rejected.csv`);
      const masked = [...new Set(raw.flatMap((e) => personal.namesIn(e.record)))];
      if (masked.length)
        console.error(
          `${masked.join(', ')} masked (L3/L4 in the catalogue, or values that validate as citizen IDs or mobiles); --reveal shows them in clear and is audited`,
        );
    }
    return 0;
  });
}

/** Every quarantine entry for one source record, with the original record. */
export function quarantineShowCommand(run: string, sourceRef: string, options: RevealOption = {}): Promise<number> {
  return withRun(run, async (runId, db) => {
    const raw = await quarantineOfRecord(db, runId, sourceRef);
    if (!raw.length) {
      console.error(`run ${runId} quarantined nothing as "${sourceRef}"`);
      return 1;
    }
    const personal = await personalColumns(db, runId, options, {
      command: 'quarantine show',
      rows: async () => 1,
      columns: (p) => p.namesIn(raw[0]!.record),
      details: { sourceRef },
    });
    const entries = raw.map((e) => maskEntry(personal, e));
    console.log(`${entries[0]!.source_ref} in ${runId}`);
    for (const e of entries) console.log(`  ${e.rule_id} on ${e.column_name}: ${both(e)}${e.duplicate_of ? ` (kept: ${e.duplicate_of})` : ''}`);
    console.log(JSON.stringify(entries[0]!.record, null, 2));
    if (personal.namesIn(raw[0]!.record).length)
      console.error(
        `(${personal.namesIn(raw[0]!.record).join(', ')} masked: L3/L4 in the catalogue, or values that validate as citizen IDs or mobiles; --reveal shows them in clear and is audited)`,
      );
    return 0;
  });
}

/** Streams a run's quarantine as CSV (default) or NDJSON, to a file or stdout; L3/L4 values masked unless revealed. */
export function quarantineExportCommand(run: string, options: { format: 'csv' | 'ndjson'; out?: string } & RevealOption): Promise<number> {
  return withRun(run, async (runId, db, databaseUrl) => {
    const personal = await personalColumns(db, runId, options, {
      command: 'quarantine export',
      rows: () => quarantineEntryCount(db, runId),
      ...(options.out ? { recipient: `file ${options.out}` } : {}),
      details: { format: options.format, ...(options.out ? { out: options.out } : {}) },
    });
    const client = await connectPostgres(databaseUrl, { application: 'dataops-cli', label: 'the centre database' });
    try {
      const select = quarantineExportSelect(client.escapeLiteral(runId));
      const masking = personal.masking;
      // NDJSON: CSV format with quote and delimiter bytes JSON text never contains, so each line is the
      // JSON exactly (text format would double every backslash). Masking reads those lines, with the
      // time also as PostgreSQL's text so that masked CSV looks like COPY's.
      const sql =
        options.format === 'ndjson' || masking
          ? `COPY (SELECT row_to_json(q)::text FROM (SELECT e.*${masking ? ', e.created_at::text AS created_at_text' : ''} FROM (${select}) e) q) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`
          : `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
      const source = client.query(copyTo(sql));
      const out = options.out ? createWriteStream(options.out) : process.stdout;
      try {
        if (masking) await pipeline(source, (lines: Readable) => maskedExport(lines, personal, options.format), out);
        else await pipeline(source, out);
      } catch (error) {
        // `| head` closing the pipe early is not a failure of the export.
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      }
      if (options.out) console.error(`wrote ${options.out}`);
      if (masking)
        console.error(
          `${personal.names.length ? `${personal.names.join(', ')} (L3/L4 in the catalogue) and ` : ''}values of undescribed columns that validate as citizen IDs or mobiles masked; --reveal exports them in clear and is audited`,
        );
      return 0;
    } finally {
      await client.end();
    }
  });
}

const EXPORT_COLUMNS = ['source_ref', 'rule_id', 'column_name', 'severity', 'reason', 'reason_zh', 'duplicate_of', 'record', 'created_at'] as const;

/** The export's JSON lines with personal values masked, as NDJSON or as the CSV that COPY writes. */
async function* maskedExport(lines: Readable, personal: PersonalColumns, format: 'csv' | 'ndjson'): AsyncGenerator<string> {
  if (format === 'csv') yield `${EXPORT_COLUMNS.join(',')}\n`;
  let rest = '';
  const convert = (line: string): string => {
    const { created_at_text, ...row } = JSON.parse(line) as Record<string, unknown> & { record: Record<string, unknown> | null };
    const masked = {
      ...row,
      source_ref: personal.ref(row.source_ref as string, row.record),
      duplicate_of: personal.ref((row.duplicate_of as string | null) ?? null),
      record: personal.record(row.record),
    };
    if (format === 'ndjson') return `${JSON.stringify(masked)}\n`;
    const cells: Record<string, unknown> = { ...masked, record: masked.record === null ? null : jsonbText(masked.record), created_at: created_at_text };
    return `${EXPORT_COLUMNS.map((c) => csvField(cells[c])).join(',')}\n`;
  };
  for await (const chunk of lines) {
    const text = rest + (chunk as Buffer).toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop()!;
    let batch = '';
    for (const line of parts) if (line) batch += convert(line);
    if (batch) yield batch;
  }
  if (rest) yield convert(rest);
}

/** A field as PostgreSQL's CSV writes it: NULL empty, quoted when it holds a quote, comma or line break, or is empty. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return s === '' || /[",\r\n]/.test(s) || s === '\\.' ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A record as jsonb prints it (`{"a": "1", "b": null}`), so a masked export reads like an unmasked one. */
function jsonbText(record: Record<string, unknown>): string {
  return `{${Object.entries(record)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')}}`;
}
