import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { startJob } from '../../client/start-job.ts';
import { cleanseJobSpecSchema } from '../../schemas/job-spec.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { CleanseResult } from '../../schemas/cleanse-run.ts';

// With the shortest heartbeat timeout a spec allows and every core busy with other work, a long
// cleanse must still heartbeat on time: one attempt, no heartbeat timeouts.
const ROWS = 400_000;
let env: TestEnv;
const hogs: ChildProcess[] = [];

beforeAll(async () => {
  env = await startTestEnv('test-heartbeat-load');
  await env.db.raw('CREATE SCHEMA IF NOT EXISTS raw');
  await env.db.raw('DROP TABLE IF EXISTS raw.hb_people');
  await env.db.raw(`CREATE TABLE raw.hb_people AS
    SELECT g AS id, '居民' || g AS name, '+86 139' || lpad(g::text, 8, '0') AS mobile,
      to_char(DATE '1950-01-01' + (g % 25000), 'YYYY年FMMM月FMDD日') AS birth_date
    FROM generate_series(1, ${ROWS}) g`);
  await env.db.raw('ALTER TABLE raw.hb_people ADD PRIMARY KEY (id)');
});
afterAll(async () => {
  for (const hog of hogs) hog.kill('SIGKILL');
  await env.stop();
  await closeAllDbs();
});

describe('heartbeats on a loaded machine', () => {
  it('a de-duplicating cleanse with a 2 s heartbeat timeout finishes in one attempt while every core is busy', async () => {
    for (let i = 0; i < 3; i++) hogs.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    const spec = cleanseJobSpecSchema.parse({
      kind: 'cleanse',
      job: 'hb-cleanse',
      dataset: 'hb-clean',
      department: 'test',
      today: '2026-11-01',
      source: { type: 'table', connection: 'centre', table: 'raw.hb_people' },
      key: ['id'],
      target: { table: 'clean.hb_people' },
      // Many batches, each committing the dedup index of every key seen so far.
      options: { batchRows: 20_000, heartbeatSeconds: 2 },
      rules: {
        columns: {
          name: { normalise: ['trim'], validate: ['value.required'] },
          mobile: { normalise: ['mobile'], validate: ['mobile.valid'] },
          birth_date: { normalise: ['date'], validate: ['date.valid'] },
        },
        dedup: { key: ['mobile'], survivorship: 'latest', orderBy: 'id' },
      },
    });
    const { handle } = await startJob(env.client, env.config, spec, `cleanse:hb:${Date.now()}`);
    const result = (await handle.result()) as CleanseResult;
    expect(result.stage.rows).toBe(ROWS);
    expect(result.stage.attempt).toBe(1);
    const history = await handle.fetchHistory();
    const timeouts = (history.events ?? []).filter((e) => e.activityTaskTimedOutEventAttributes);
    expect(timeouts).toHaveLength(0);
  }, 300_000);
});
