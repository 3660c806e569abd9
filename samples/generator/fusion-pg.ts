// Loads the fusion sources into PostgreSQL as the departments' raw tables (every column text, headers as
// the departments name them), with the truth beside them, through COPY; and applies a second version.

import pg from 'pg';
import { CopyIn } from '../../connectors/postgres/copy-in.ts';
import { type FusionChangeOptions, type FusionChangeSummary, generateFusionChanges } from './fusion-changes.ts';
import type { FusionPerson } from './fusion-population.ts';
import { type FusionOptions, FusionGenerator, type FusionSummary, fusionRecordsOf, sourceHeaders, summarise } from './fusion-sources.ts';
import { DEFAULT_FUSION_SOURCES, type SourceSpec, defectList } from './fusion-spec.ts';
import { PERSON_COLUMNS, TRUTH_COLUMNS, personRow, truthRow } from './fusion-write.ts';

export const FUSION_TRUTH_TABLE = 'fusion_truth';
export const FUSION_PERSONS_TABLE = 'fusion_persons';
export const FUSION_CHANGES_TABLE = 'fusion_changes';
export const CHANGE_COLUMNS = ['source', 'record_id', 'person_key', 'op', 'kind'] as const;

export type Database = string | pg.Pool;

export interface LoadFusionOptions extends FusionOptions {
  readonly schema: string;
  /** Drop the tables first if they exist (default true). */
  readonly replace?: boolean;
}

const FLUSH_CHARS = 256 * 1024;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** COPY text format: `\N` for an empty cell, backslash escapes for the rest. */
function copyLine(values: readonly string[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (i > 0) line += '\t';
    line +=
      v === '' ? '\\N' : /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : v;
  }
  return `${line}\n`;
}

class BufferedCopy {
  private readonly copy: CopyIn;
  private parts: string[] = [];
  private size = 0;
  constructor(client: pg.PoolClient | pg.Client, table: string) {
    this.copy = new CopyIn(client, `COPY ${table} FROM STDIN`);
  }
  /** Queues a row; true when the buffer is full and the caller should `await flush()`. */
  push(values: readonly string[]): boolean {
    const line = copyLine(values);
    this.parts.push(line);
    this.size += line.length;
    return this.size >= FLUSH_CHARS;
  }
  async row(values: readonly string[]): Promise<void> {
    if (this.push(values)) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    await this.copy.write(Buffer.from(text, 'utf8'));
  }
  async finish(): Promise<number> {
    await this.flush();
    return this.copy.finish();
  }
  abort(reason: string): void {
    this.copy.abort(reason);
  }
}

async function withClients<T>(db: Database, n: number, body: (clients: pg.PoolClient[]) => Promise<T>): Promise<T> {
  const pool = typeof db === 'string' ? new pg.Pool({ connectionString: db, max: n }) : db;
  const clients: pg.PoolClient[] = [];
  try {
    for (let i = 0; i < n; i++) clients.push(await pool.connect());
    return await body(clients);
  } finally {
    for (const c of clients) c.release();
    if (typeof db === 'string') await pool.end();
  }
}

export function sourceTable(schema: string, spec: SourceSpec): string {
  return `${quoteIdent(schema)}.${quoteIdent(spec.name)}`;
}

function createTable(table: string, columns: readonly string[], replace: boolean): string {
  const drop = replace ? `DROP TABLE IF EXISTS ${table}; ` : '';
  return `${drop}CREATE TABLE ${table} (${columns.map((c) => `${quoteIdent(c)} text`).join(', ')})`;
}

export interface FusionLoadSummary extends FusionSummary {
  readonly tables: Readonly<Record<string, string>>;
}

/**
 * Creates `<schema>.<source>` per source (text columns named by the source's headers),
 * `<schema>.fusion_truth` (source, record_id, person_key, defects) and `<schema>.fusion_persons`, and fills
 * them by COPY, streaming: one connection per table.
 */
export async function loadFusionSources(db: Database, opts: LoadFusionOptions): Promise<FusionLoadSummary> {
  const g = new FusionGenerator(opts);
  const schema = quoteIdent(opts.schema);
  const replace = opts.replace ?? true;
  const truthTable = `${schema}.${quoteIdent(FUSION_TRUTH_TABLE)}`;
  const personsTable = `${schema}.${quoteIdent(FUSION_PERSONS_TABLE)}`;
  const tables = g.sources.map((s) => sourceTable(opts.schema, s.spec));
  return withClients(db, g.sources.length + 2, async (clients) => {
    const admin = clients[0]!;
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    for (const [i, s] of g.sources.entries()) await admin.query(createTable(tables[i]!, sourceHeaders(s.spec), replace));
    await admin.query(createTable(truthTable, TRUTH_COLUMNS, replace));
    await admin.query(createTable(personsTable, PERSON_COLUMNS, replace));
    const copies = tables.map((t, i) => new BufferedCopy(clients[i]!, t));
    const truth = new BufferedCopy(clients[g.sources.length]!, truthTable);
    const persons = new BufferedCopy(clients[g.sources.length + 1]!, personsTable);
    const all = [...copies, truth, persons];
    try {
      let last: FusionPerson | null = null;
      for (const r of fusionRecordsOf(g)) {
        // Awaiting only when a buffer is full: an await per row cost a fifth of the load time.
        if (r.person !== last) {
          last = r.person;
          if (persons.push(personRow(r.person))) await persons.flush();
        }
        const copy = copies[r.sourceIndex]!;
        if (copy.push(r.values)) await copy.flush();
        if (truth.push(truthRow(r))) await truth.flush();
      }
      for (const c of all) await c.finish();
    } catch (err) {
      for (const c of all) c.abort(String(err));
      throw err;
    }
    await admin.query(`ANALYZE ${truthTable}`);
    return { ...summarise(g), tables: Object.fromEntries(g.sources.map((s, i) => [s.spec.name, tables[i]!])) };
  });
}

export interface ApplyFusionChangesOptions extends FusionChangeOptions {
  readonly schema: string;
}

/**
 * Applies the second version (generateFusionChanges with the same options) to tables loadFusionSources
 * filled: deletes, updates (as delete and re-insert of the record) and inserts in one transaction, the truth
 * and persons tables kept in step, and every change listed in `<schema>.fusion_changes`.
 */
export async function applyFusionChanges(db: Database, opts: ApplyFusionChangesOptions): Promise<FusionChangeSummary> {
  const specs = opts.sources ?? DEFAULT_FUSION_SOURCES;
  const schema = quoteIdent(opts.schema);
  const truthTable = `${schema}.${quoteIdent(FUSION_TRUTH_TABLE)}`;
  const personsTable = `${schema}.${quoteIdent(FUSION_PERSONS_TABLE)}`;
  const changesTable = `${schema}.${quoteIdent(FUSION_CHANGES_TABLE)}`;
  return withClients(db, 1, async ([client]) => {
    const c = client!;
    await c.query('BEGIN');
    try {
      await c.query(createTable(changesTable, CHANGE_COLUMNS, true));
      const staged = specs.map((_, i) => `pg_temp.${quoteIdent(`fusion_change_${i}`)}`);
      for (const [i, spec] of specs.entries()) {
        await c.query(
          `CREATE TEMP TABLE ${quoteIdent(`fusion_change_${i}`)} (op text, ${sourceHeaders(spec)
            .map((h) => `${quoteIdent(h)} text`)
            .join(', ')}) ON COMMIT DROP`,
        );
      }
      // One COPY at a time on one connection: changes are a few per cent, so they are staged per table in turn.
      const changes = generateFusionChanges(opts);
      const byTable: string[][][] = specs.map(() => []);
      const log: string[][] = [];
      const newPersons: FusionPerson[] = [];
      const truthRows: string[][] = [];
      let step = changes.next();
      while (!step.done) {
        const ch = step.value;
        if (ch.op !== 'keep') {
          byTable[ch.sourceIndex]!.push([ch.op, ...(ch.op === 'delete' ? sourceHeaders(specs[ch.sourceIndex]!).map(() => '') : ch.values)]);
          if (ch.op === 'delete') byTable[ch.sourceIndex]!.at(-1)![1 + recordIdPosition(specs[ch.sourceIndex]!)] = ch.recordId;
          log.push([ch.source, ch.recordId, ch.personKey, ch.op, ch.kind]);
          if (ch.op === 'insert') truthRows.push([ch.source, ch.recordId, ch.personKey, defectList(ch.defects)]);
          if (ch.kind === 'new_person' && newPersons.at(-1) !== ch.person) newPersons.push(ch.person);
        }
        step = changes.next();
      }
      for (const [i, rows] of byTable.entries()) await copyRows(c, staged[i]!, rows);
      await copyRows(c, changesTable, log);
      for (const [i, spec] of specs.entries()) {
        const table = sourceTable(opts.schema, spec);
        const rid = quoteIdent(spec.columns.find((col) => col.field === 'record_id')!.header);
        const cols = sourceHeaders(spec).map(quoteIdent).join(', ');
        await c.query(`DELETE FROM ${table} t USING ${staged[i]} s WHERE s.op IN ('delete', 'update') AND t.${rid} = s.${rid}`);
        await c.query(`INSERT INTO ${table} (${cols}) SELECT ${cols} FROM ${staged[i]} WHERE op IN ('insert', 'update')`);
      }
      await c.query(`DELETE FROM ${truthTable} t USING ${changesTable} ch WHERE ch.op = 'delete' AND t.source = ch.source AND t.record_id = ch.record_id`);
      await copyRows(c, truthTable, truthRows);
      await copyRows(c, personsTable, newPersons.map(personRow));
      await c.query('COMMIT');
      return step.value;
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    }
  });
}

function recordIdPosition(spec: SourceSpec): number {
  return spec.columns.findIndex((col) => col.field === 'record_id');
}

async function copyRows(client: pg.PoolClient, table: string, rows: readonly (readonly string[])[]): Promise<void> {
  const copy = new BufferedCopy(client, table);
  try {
    for (const r of rows) await copy.row(r);
    await copy.finish();
  } catch (err) {
    copy.abort(String(err));
    throw err;
  }
}
