import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { connectPostgres } from '../../connectors/postgres/connect.ts';
import { to as copyTo } from 'pg-copy-streams';
import type { Knex } from 'knex';
import { withCentreDb } from '../centre-db.ts';
import { quarantinedRecords, quarantineEntries, quarantineExportSelect, quarantineOfRecord, quarantineSummary } from '../../catalogue/quarantine.ts';
import { resolveRun } from '../../catalogue/runs.ts';
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

/** Rejected records of a run: counts per rule and specific reason, then the first entries. */
export function quarantineListCommand(run: string, options: { rule?: string; limit: number; json?: boolean }): Promise<number> {
  return withRun(run, async (runId, db) => {
    const groups = await quarantineSummary(db, runId);
    const entries = await quarantineEntries(db, runId, options);
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
      console.log(`\nshow one: dataops quarantine show ${runId} '${entries[0]!.source_ref}'   ·   all: dataops quarantine export ${runId} --out rejected.csv`);
    }
    return 0;
  });
}

/** Every quarantine entry for one source record, with the original record. */
export function quarantineShowCommand(run: string, sourceRef: string): Promise<number> {
  return withRun(run, async (runId, db) => {
    const entries = await quarantineOfRecord(db, runId, sourceRef);
    if (!entries.length) {
      console.error(`run ${runId} quarantined nothing as "${sourceRef}"`);
      return 1;
    }
    console.log(`${sourceRef} in ${runId}`);
    for (const e of entries) console.log(`  ${e.rule_id} on ${e.column_name}: ${both(e)}${e.duplicate_of ? ` (kept: ${e.duplicate_of})` : ''}`);
    console.log(JSON.stringify(entries[0]!.record, null, 2));
    return 0;
  });
}

/** Streams a run's quarantine as CSV (default) or NDJSON, to a file or stdout. */
export function quarantineExportCommand(run: string, options: { format: 'csv' | 'ndjson'; out?: string }): Promise<number> {
  return withRun(run, async (runId, _db, databaseUrl) => {
    const client = await connectPostgres(databaseUrl, { application: 'dataops-cli', label: 'the centre database' });
    try {
      const select = quarantineExportSelect(client.escapeLiteral(runId));
      // NDJSON: CSV format with quote and delimiter bytes JSON text never contains, so each line is the
      // JSON exactly (text format would double every backslash).
      const sql =
        options.format === 'ndjson'
          ? `COPY (SELECT row_to_json(q)::text FROM (${select}) q) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`
          : `COPY (${select}) TO STDOUT WITH (FORMAT csv, HEADER true)`;
      const source = client.query(copyTo(sql));
      try {
        await pipeline(source, options.out ? createWriteStream(options.out) : process.stdout);
      } catch (error) {
        // `| head` closing the pipe early is not a failure of the export.
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
      }
      if (options.out) console.error(`wrote ${options.out}`);
      return 0;
    } finally {
      await client.end();
    }
  });
}
