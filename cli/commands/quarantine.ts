import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Knex } from 'knex';
import { withCentreDb } from '../centre-db.ts';
import { COUNT_COLUMNS, withNumbers } from '../numeric-columns.ts';
import { formatCount, formatTable } from '../format-table.ts';
import { resolveRunId } from './resolve-run.ts';

function withRun(runOrDataset: string, body: (runId: string, db: Knex, databaseUrl: string) => Promise<number>): Promise<number> {
  return withCentreDb(async (db, databaseUrl) => {
    const runId = await resolveRunId(db, runOrDataset);
    if (!runId) {
      console.error(`no run or dataset "${runOrDataset}" (see: dataops runs)`);
      return 1;
    }
    return await body(runId, db, databaseUrl);
  });
}

/** Rejected records of a run: counts per rule, then the first entries. */
export function quarantineListCommand(run: string, options: { rule?: string; limit: number; json?: boolean }): Promise<number> {
  return withRun(run, async (runId, db) => {
    const perRule = (
      await db('dataops.quarantine')
        .where({ run_id: runId })
        .groupBy('rule_id', 'column_name')
        .select('rule_id', 'column_name')
        .count<{ rule_id: string; column_name: string; count: string | number }[]>('* as count')
        .min('reason as reason')
        .min('reason_zh as reason_zh')
        .orderBy('rule_id')
    ).map((r) => withNumbers(r, COUNT_COLUMNS.quarantinePerRule));
    const query = db('dataops.quarantine').where({ run_id: runId }).orderBy('id').limit(options.limit);
    if (options.rule) query.where({ rule_id: options.rule });
    const entries = await query.select('source_ref', 'rule_id', 'column_name', 'reason', 'reason_zh', 'record');
    if (options.json) {
      console.log(JSON.stringify({ runId, perRule, entries }, null, 2));
      return 0;
    }
    const records = await db('dataops.quarantine').where({ run_id: runId }).countDistinct<{ n: string }[]>('source_ref as n');
    console.log(`${runId}: ${formatCount(Number(records[0]?.n ?? 0))} records quarantined\n`);
    console.log(
      formatTable(
        ['rule', 'column', 'records', 'reason'],
        perRule.map((r) => [
          r.rule_id,
          r.column_name,
          formatCount(Number(r.count)),
          `${(r as { reason_zh?: string }).reason_zh ?? ''} / ${(r as { reason?: string }).reason ?? ''}`,
        ]),
      ),
    );
    if (entries.length) {
      console.log('');
      console.log(
        formatTable(
          ['source', 'rule', 'column', 'value'],
          entries.map((e) => {
            const first = String(e.column_name).split(',')[0] ?? '';
            const record = e.record as Record<string, string | null>;
            return [e.source_ref, e.rule_id, e.column_name, first in record ? String(record[first]) : ''];
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
    const entries = await db('dataops.quarantine').where({ run_id: runId, source_ref: sourceRef }).orderBy('id');
    if (!entries.length) {
      console.error(`run ${runId} quarantined nothing as "${sourceRef}"`);
      return 1;
    }
    console.log(`${sourceRef} in ${runId}`);
    for (const e of entries) console.log(`  ${e.rule_id} on ${e.column_name}: ${e.reason_zh} / ${e.reason}`);
    console.log(JSON.stringify(entries[0].record, null, 2));
    return 0;
  });
}

/** Streams a run's quarantine as CSV (default) or NDJSON, to a file or stdout. */
export function quarantineExportCommand(run: string, options: { format: 'csv' | 'ndjson'; out?: string }): Promise<number> {
  return withRun(run, async (runId, _db, databaseUrl) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const select = `SELECT source_ref, rule_id, column_name, severity, reason, reason_zh, record, created_at FROM dataops.quarantine WHERE run_id = ${client.escapeLiteral(runId)} ORDER BY id`;
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
