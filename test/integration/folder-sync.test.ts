import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect, startCollect } from '../support/run-job.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { spawnWorker, waitForOutput } from '../support/child-worker.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import type { CollectJobSpec } from '../../schemas/job-spec.ts';
import type { CollectResult } from '../../schemas/collect-run.ts';

// Folder syncs: a department drops files into a folder; each nightly run takes the new ones, once.
const root = mkdtempSync(join(tmpdir(), 'dataops-folder-'));
const config = join(root, 'dataops.config.yaml');
writeFileSync(config, `connections:\n  drop:\n    type: files\n    root: ${root}\n`);
process.env.DATAOPS_CONFIG = config;

let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-folder-sync');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
  rmSync(root, { recursive: true, force: true });
});

const HOUR_AGO = Date.now() / 1000 - 3600;

/** Writes a file under the connection root, dated an hour ago unless told otherwise (old enough for minAge). */
function drop(path: string, content: string | Buffer, mtimeSeconds = HOUR_AGO): void {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  utimesSync(full, mtimeSeconds, mtimeSeconds);
}

function folderSpec(folder: string, dataset: string, target: Partial<CollectJobSpec['target']> & { table: string }, source: object = {}): CollectJobSpec {
  return collectSpec({
    dataset,
    source: { type: 'file', connection: 'drop', path: `${folder}/*.csv`, ...source },
    target: { mode: 'append', ...target },
    options: { batchRows: 100 },
  });
}

async function rows(table: string, order = 'id'): Promise<Record<string, unknown>[]> {
  return (await env.db.raw(`SELECT * FROM ${table} ORDER BY ${order}`)).rows;
}

const csv = (header: string, from: number, to: number, row: (i: number) => string) =>
  `${header}\n${Array.from({ length: to - from + 1 }, (_, k) => row(from + k)).join('\n')}\n`;

describe('a folder sync into an append target', () => {
  it('takes each new file once, in name order, and records which files each run took', async () => {
    drop(
      'residents/day2.csv',
      csv('id,姓名,amount', 201, 350, (i) => `${i},居民${i},${i}`),
    );
    // A GBK file beside UTF-8 ones: each file's encoding is detected on its own.
    drop(
      'residents/day10.csv',
      iconv.encode(
        csv('id,姓名,amount', 351, 400, (i) => `${i},闵行${i},${i}`),
        'gbk',
      ),
    );
    drop(
      'residents/day1.csv',
      csv('id,姓名,amount', 1, 200, (i) => `${i},居民${i},${i}`),
    );
    drop('residents/.day3.csv.part', 'id,姓名,amount\n9999,partial');
    drop('residents/notes.txt', 'not a csv');
    const spec = folderSpec('residents', 'folder-residents', { table: 'raw.folder_residents' }, { columns: { 姓名: 'name' } });

    const first = await runCollect(env.client, env.config, spec);
    expect(first.publish).toMatchObject({ files: 3, rows: 400, changed: 400, version: 1 });
    const published = await rows('raw.folder_residents');
    expect(published).toHaveLength(400);
    expect(published.map((r) => r.id)).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
    expect(published[375]).toEqual({ id: 376, name: '闵行376', amount: 376 });
    const taken = await env.db('dataops.collected_files').where({ run_id: first.runId }).orderBy('position');
    expect(taken.map((f) => [f.name, Number(f.rows)])).toEqual([
      ['residents/day1.csv', 200],
      ['residents/day2.csv', 150],
      ['residents/day10.csv', 50],
    ]);
    expect(taken.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);

    // Nothing new: no rows, no new catalogue version. A file only touched (same bytes) is not new.
    utimesSync(join(root, 'residents/day1.csv'), HOUR_AGO + 60, HOUR_AGO + 60);
    const second = await runCollect(env.client, env.config, spec);
    expect(second.publish).toMatchObject({ files: 0, rows: 400, version: 1 });
    expect(await env.db('dataops.collected_files').where({ run_id: second.runId })).toHaveLength(0);
    expect(Number((await env.db('dataops.catalogue_resources').where({ dataset: 'folder-residents' }).first()).row_count)).toBe(400);

    // A new file, a file still being written (too new for minAge), and a file whose bytes changed.
    drop(
      'residents/day11.csv',
      csv('id,姓名,amount', 401, 420, (i) => `${i},居民${i},${i}`),
    );
    drop(
      'residents/day12.csv',
      csv('id,姓名,amount', 421, 430, (i) => `${i},居民${i},${i}`),
      Date.now() / 1000,
    );
    drop(
      'residents/day2.csv',
      csv('id,姓名,amount', 201, 205, (i) => `${i},更正${i},${i}`),
    );
    const third = await runCollect(env.client, env.config, { ...spec, source: { ...spec.source, minAge: '10m' } as CollectJobSpec['source'] });
    expect(third.publish).toMatchObject({ files: 2, rows: 425, changed: 25, version: 2 });
    expect((await env.db('dataops.collected_files').where({ run_id: third.runId }).orderBy('position')).map((f) => f.name)).toEqual([
      'residents/day2.csv',
      'residents/day11.csv',
    ]);
    const warnings = (await env.db('dataops.runs').where({ run_id: third.runId }).first()).warnings as string[];
    expect(warnings.join('\n')).toMatch(/1 file\(s\) modified less than 10m ago wait for the next run: residents\/day12\.csv/);
    expect(warnings.join('\n')).toMatch(/residents\/day2\.csv changed since run .* took it: this run takes its new content too/);
    expect(third.publish.warnings?.length).toBe(2);
  });

  it('adds new columns, widens a column whose new values need it, and leaves a file with other columns for the next run', async () => {
    drop(
      'evolving/a1.csv',
      csv('id,amount', 1, 50, (i) => `${i},${i}`),
    );
    const spec = folderSpec('evolving', 'folder-evolving', { table: 'raw.folder_evolving' });
    await runCollect(env.client, env.config, spec);
    // a2 adds a column and a decimal amount; a3's header differs from a2's: it waits for the next run.
    drop(
      'evolving/a2.csv',
      csv('id,amount,email', 51, 60, (i) => `${i},${i}.5,p${i}@example.cn`),
    );
    drop(
      'evolving/a3.csv',
      csv('id,street', 61, 70, (i) => `${i},莘庄镇`),
    );
    const second = await runCollect(env.client, env.config, spec);
    expect(second.publish).toMatchObject({ files: 1, rows: 60, changed: 10 });
    const types = (
      await env.db.raw(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'folder_evolving' ORDER BY ordinal_position",
      )
    ).rows;
    expect(types).toEqual([
      { column_name: 'id', data_type: 'integer' },
      { column_name: 'amount', data_type: 'numeric' },
      { column_name: 'email', data_type: 'text' },
    ]);
    const warnings = second.publish.warnings!.join('\n');
    expect(warnings).toMatch(
      /evolving\/a3\.csv has the columns \(id, street\), not \(id, amount, email\) like evolving\/a2\.csv: it and the 0 files after it are left/,
    );
    expect(warnings).toMatch(/column email \(text\) added to raw\.folder_evolving/);
    expect(warnings).toMatch(/column amount of raw\.folder_evolving widened from integer to numeric/);
    const published = await rows('raw.folder_evolving');
    expect(published[0]).toEqual({ id: 1, amount: '1', email: null });
    expect(published[59]).toEqual({ id: 60, amount: '60.5', email: 'p60@example.cn' });

    const third = await runCollect(env.client, env.config, spec);
    expect(third.publish).toMatchObject({ files: 1, rows: 70 });
    expect((await rows('raw.folder_evolving'))[69]).toEqual({ id: 70, amount: null, email: null, street: '莘庄镇' });
  });
});

describe('the bundled sample folder sync', () => {
  it('appends both sample files (one UTF-8, one GBK with CRLF) and takes nothing the second time', async () => {
    const { loadSpec } = await import('../../cli/load-spec.ts');
    const sample = loadSpec(join(PROJECT_ROOT, 'samples', 'jobs', 'collect-households-folder.yaml')) as CollectJobSpec;
    const spec = { ...sample, dataset: 'it-households', target: { ...sample.target, table: 'raw.it_households' } };
    const first = await runCollect(env.client, env.config, spec);
    expect(first.publish).toMatchObject({ files: 2, rows: 65 });
    const second = await runCollect(env.client, env.config, spec);
    expect(second.publish).toMatchObject({ files: 0, rows: 65, version: 1, columns: 5 });
    const [row] = await rows("raw.it_households WHERE household_id = 'H000065'", 'household_id');
    expect(row).toEqual({ household_id: 'H000065', head_name: '户主65', street: '新虹街道', household_size: 1, registered_on: expect.any(Date) });
  });
});

describe('a folder sync into a merge target', () => {
  it('upserts each new file by key, the later file winning', async () => {
    drop(
      'merged/2026-11-30.csv',
      csv('id,status', 1, 100, (i) => `${i},open`),
    );
    const spec = folderSpec('merged', 'folder-merged', { table: 'raw.folder_merged', mode: 'merge', key: ['id'] });
    const first = await runCollect(env.client, env.config, spec);
    expect(first.publish).toMatchObject({ files: 1, rows: 100 });
    drop(
      'merged/2026-12-01.csv',
      csv('id,status', 91, 110, (i) => `${i},closed`),
    );
    const second = await runCollect(env.client, env.config, spec);
    expect(second.publish).toMatchObject({ files: 1, rows: 110, changed: 20, version: 2 });
    const published = await rows('raw.folder_merged');
    expect(published.filter((r) => r.status === 'closed').map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => 91 + i));
  });
});

describe('a folder into a replace target', () => {
  it('reads every matching file as one table each run, and refuses files whose headers differ', async () => {
    drop(
      'snapshot/part-1.csv',
      csv('id,v', 1, 30, (i) => `${i},a`),
    );
    drop(
      'snapshot/part-2.csv',
      csv('id,v', 31, 45, (i) => `${i},b`),
    );
    const spec = folderSpec('snapshot', 'folder-snapshot', { table: 'raw.folder_snapshot', mode: 'replace' });
    const first = await runCollect(env.client, env.config, spec);
    const second = await runCollect(env.client, env.config, spec);
    expect(first.publish).toMatchObject({ rows: 45, files: 2, version: 1 });
    expect(second.publish).toMatchObject({ rows: 45, files: 2, version: 2 });
    drop(
      'snapshot/part-3.csv',
      csv('id,w', 46, 50, (i) => `${i},c`),
    );
    const { handle } = await startCollect(env.client, env.config, spec);
    await expectWorkflowFailure(handle, /snapshot\/part-3\.csv has the columns \(id, w\), not \(id, v\).*files read as one table need the same header/);
  });

  it('says so when no file matches', async () => {
    mkdirSync(join(root, 'empty'), { recursive: true });
    const { handle } = await startCollect(env.client, env.config, folderSpec('empty', 'folder-empty', { table: 'raw.folder_empty' }));
    await expectWorkflowFailure(handle, /no file matches empty\/\*\.csv/);
  });
});

describe('a folder sync whose worker is killed', () => {
  it('resumes inside the file it was reading and takes every file exactly once', async () => {
    for (let f = 1; f <= 4; f++)
      drop(
        `crash/f${f}.csv`,
        csv('id,payload', f * 1_000_000 + 1, f * 1_000_000 + 100_000, (i) => `${i},${'x'.repeat(40)}${i}`),
      );
    const spec = { ...folderSpec('crash', 'folder-crash', { table: 'raw.folder_crash' }), options: { batchRows: 5_000, heartbeatSeconds: 5 } };
    const taskQueue = 'test-folder-crash';
    const childEnv = { DATABASE_URL: env.config.databaseUrl, TEMPORAL_ADDRESS: env.config.temporal.address, DATAOPS_TASK_QUEUE: taskQueue };
    const first = spawnWorker('folder-worker-a', childEnv);
    await waitForOutput(first, /worker ready/);
    const { handle, runId } = await startCollect(env.client, { ...env.config, temporal: { ...env.config.temporal, taskQueue } }, spec);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'collect' }).first();
      if (row && row.status !== 'staging') throw new Error('the sync finished before the worker could be killed');
      if (row && row.state.position?.file >= 1 && row.state.position?.byteOffset) break;
      if (Date.now() > deadline) throw new Error(`no batch of the second file committed in time:\n${first.output()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    first.kill('SIGKILL');
    const second = spawnWorker('folder-worker-b', childEnv);
    try {
      const result = (await handle.result()) as CollectResult;
      expect(result.stage.attempt).toBeGreaterThanOrEqual(2);
      expect(result.publish).toMatchObject({ files: 4, rows: 400_000 });
      const [check] = (await env.db.raw('SELECT count(*)::int AS n, count(DISTINCT id)::int AS ids, min(id) AS lo, max(id) AS hi FROM raw.folder_crash')).rows;
      expect(check).toEqual({ n: 400_000, ids: 400_000, lo: 1_000_001, hi: 4_100_000 });
      const taken = await env.db('dataops.collected_files').where({ run_id: runId }).orderBy('position');
      expect(taken.map((f) => Number(f.rows))).toEqual([100_000, 100_000, 100_000, 100_000]);
    } finally {
      second.kill('SIGTERM');
    }
  });
});
