import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import iconv from 'iconv-lite';
import { gzipSync } from 'node:zlib';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';

let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'dataops-bad-input-'));

beforeAll(async () => {
  env = await startTestEnv('test-bad-input');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

function csvRows(n: number, from = 1): string {
  let text = '';
  for (let i = from; i < from + n; i++) text += `${i},居民${i},1380000${String(i).padStart(4, '0')},"地址, ${i} 号"\n`;
  return text;
}

/** Runs the job, expects a failure naming the problem, and checks that nothing was published. */
async function expectCleanFailure(spec: CollectJobSpec, message: RegExp) {
  const { handle, runId } = await startCollect(env.client, env.config, spec);
  await expectWorkflowFailure(handle, message);

  const run = await env.db('dataops.runs').where({ run_id: runId }).first();
  expect(run.status).toBe('failed');
  expect(run.error).toMatch(message);
  expect(await env.db('dataops.catalogue_resources').where({ dataset: spec.dataset })).toHaveLength(0);
  expect(await env.db('dataops.step_metrics').where({ run_id: runId })).toHaveLength(0);
  // What remains of the checkpoint is a fenced tombstone: no state a later attempt could resume from.
  const checkpoints = await env.db('dataops.checkpoints').where({ run_id: runId });
  for (const c of checkpoints)
    expect({ status: c.status, keys: Object.keys(c.state).sort() }).toEqual({ status: 'abandoned', keys: ['owner', 'stagingTable'] });
  const [schema, table] = spec.target.table.split('.');
  const exists = (await env.db.raw('SELECT to_regclass(?) AS oid', [`${schema}.${table}`])).rows[0].oid;
  expect(exists).toBeNull();
  const staging = (await env.db.raw(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'dataops_staging'`)).rows[0].n;
  expect(staging).toBe(0);

  // Bad input is not retried: the staging activity ran exactly once.
  const history = await handle.fetchHistory();
  const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
  expect(attempts.every((a) => a === 1)).toBe(true);
}

describe('bad input fails clearly and publishes nothing', () => {
  it('a missing file', async () => {
    await expectCleanFailure(
      collectSpec({ source: { type: 'file', connection: 'samples', path: 'no-such-file.csv' }, target: { table: 'raw.bad_missing' } }),
      /file not found: .*no-such-file\.csv/,
    );
  });

  it('a malformed CSV row after several committed batches', async () => {
    const path = join(dir, 'malformed.csv');
    writeFileSync(path, `id,name,mobile,address\n${csvRows(14_998)}14999,extra,field,in,this row\n${csvRows(5_000, 15_000)}`);
    await expectCleanFailure(
      collectSpec({ source: { type: 'file', path }, target: { table: 'raw.bad_malformed' }, options: { batchRows: 1_000 } }),
      /malformed\.csv line 15000: expected 4 fields, found 5/,
    );
  });

  it('an unterminated quote', async () => {
    const path = join(dir, 'unterminated.csv');
    writeFileSync(path, `id,name,mobile,address\n${csvRows(10)}11,"open quote,13800000011,x\n`);
    await expectCleanFailure(collectSpec({ source: { type: 'file', path }, target: { table: 'raw.bad_quote' } }), /unterminated quoted field/);
  });

  it('a GBK file declared as UTF-8', async () => {
    const path = join(dir, 'gbk.csv');
    writeFileSync(path, iconv.encode(`id,name,mobile,address\n${csvRows(100)}`, 'gbk'));
    await expectCleanFailure(
      collectSpec({ source: { type: 'file', path, encoding: 'utf-8' }, target: { table: 'raw.bad_encoding' } }),
      /gbk\.csv is not valid UTF-8 .*set source\.encoding to gbk/,
    );
  });

  it('an unknown connection name', async () => {
    await expectCleanFailure(
      collectSpec({ source: { type: 'table', connection: 'no-such-system', table: 'public.people' }, target: { table: 'raw.bad_connection' } }),
      /unknown connection "no-such-system" \(known: .*centre.*\)/,
    );
  });

  it('a source table that does not exist', async () => {
    await expectCleanFailure(
      collectSpec({ source: { type: 'table', connection: 'dept_source', table: 'public.no_such_table' }, target: { table: 'raw.bad_table' } }),
      /table public\.no_such_table does not exist on connection "dept_source"/,
    );
  });

  it('a source database that does not exist fails at once, naming it, instead of retrying', async () => {
    process.env.DATAOPS_CONNECTION_NO_SUCH_DB = env.config.databaseUrl.replace(/\/[^/]+$/, '/no_such_database');
    const spec = collectSpec({ source: { type: 'table', connection: 'no_such_db', table: 'public.people' }, target: { table: 'raw.bad_db' } });
    const { handle, runId } = await startCollect(env.client, env.config, spec);
    await expectWorkflowFailure(handle, /source connection "no_such_db" .*no_such_database.*database does not exist/);
    const history = await handle.fetchHistory();
    const attempts = (history.events ?? []).filter((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt! > 1);
    expect(attempts).toHaveLength(0);
    expect(await env.db('dataops.runs').where({ run_id: runId }).first('status')).toEqual({ status: 'failed' });
  });
});

describe('invalid specs are refused before anything starts', () => {
  function cli(args: string[]) {
    return spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'dataops.mjs'), ...args], { encoding: 'utf8', env: process.env });
  }

  it('names the path of every problem, including an unsafe table name', () => {
    const path = join(dir, 'invalid.yaml');
    writeFileSync(
      path,
      [
        'kind: collect',
        'job: Bad Job',
        'dataset: ok',
        'department: civil',
        'source: { type: file, path: x.csv, delimiter: ";;" }',
        "target: { table: 'x; drop table y' }",
      ].join('\n'),
    );
    const result = cli(['run', path, '--wait']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('job: must be lower-case letters');
    expect(result.stderr).toContain('source.delimiter: delimiter must be one ASCII character');
    expect(result.stderr).toContain('target.table: must be a safe table name');
    expect(result.stdout).not.toContain('started');
  });

  it('rejects unknown fields and YAML syntax errors', () => {
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'kind: collect\njob: a\ndataset: b\ndepartment: c\nsource: { type: file, path: x.csv }\ntarget: { table: raw.x, typo: 1 }\n');
    const r1 = cli(['validate', unknown]);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/target: Unrecognized key:? "typo"/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'kind: collect\n  job: [unclosed\n');
    const r2 = cli(['validate', broken]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('is not valid YAML');
  });

  it('checks cleanse rules before starting anything: misspelt rules and parameters, undeclared references', () => {
    const path = join(dir, 'cleanse-typos.yaml');
    writeFileSync(
      path,
      [
        'kind: cleanse',
        'job: typos',
        'dataset: typos',
        'department: civil',
        'source: { type: table, connection: centre, table: raw.residents }',
        'target: { table: clean.typos }',
        'rules:',
        '  columns:',
        '    citizen_id: { validate: [citizen_id.vaild] }',
        '    name: { validate: [{ rule: value.length, params: { min: 2, maks: 20 } }] }',
        '    street: { validate: [{ rule: value.code_table, params: { table: streets } }] }',
      ].join('\n'),
    );
    const checked = cli(['validate', path]);
    expect(checked.status).toBe(2);
    expect(checked.stderr).toContain("rules.columns.citizen_id.validate[0]: unknown validator 'citizen_id.vaild'; did you mean citizen_id.valid?");
    expect(checked.stderr).toContain("rules.columns.name.validate[0] (value.length): unknown parameter 'maks'; did you mean max?");
    expect(checked.stderr).toContain("reference table 'streets' was not supplied");
    const run = cli(['run', path, '--wait']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('the rules do not compile');
    expect(run.stdout).not.toContain('started');
  });
});

describe('files that are not what their name says', () => {
  it('a gzip file named .csv is read as the CSV inside it', async () => {
    const path = join(dir, 'extract.csv');
    writeFileSync(path, gzipSync(`id,name,mobile,address\n${csvRows(3_000)}`));
    const result = await runCollect(env.client, env.config, collectSpec({ source: { type: 'file', path }, target: { table: 'raw.gzip_csv' } }));
    expect(result.publish.rows).toBe(3_000);
  });

  it('with compression: none it is refused saying what it is, and the run is closed as failed', async () => {
    const path = join(dir, 'packed.csv');
    writeFileSync(path, gzipSync(`id,name,mobile,address\n${csvRows(10)}`));
    const spec = collectSpec({ source: { type: 'file', path, compression: 'none' }, target: { table: 'raw.gzip_refused' } });
    await expectCleanFailure(spec, /packed\.csv is gzip-compressed; set source\.compression to auto/);
  });

  it('a NUL byte in a field names the file, line and column; the run record closes', async () => {
    const path = join(dir, 'nul.csv');
    writeFileSync(path, `id,name,mobile,address\n${csvRows(50)}51,居民\u000051,13800000051,x\n`);
    const { handle, runId } = await startCollect(env.client, env.config, collectSpec({ source: { type: 'file', path }, target: { table: 'raw.nul_field' } }));
    await expectWorkflowFailure(handle, /nul\.csv line 52, column 2 "name": the value contains a NUL byte/);
    const run = await env.db('dataops.runs').where({ run_id: runId }).first('status', 'error');
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/line 52/);
  });
});
