import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { withSourceDb } from '../support/source-db.ts';
import { runCli, runCliAsync } from '../support/cli.ts';
import { TEST_DATABASE_URL, TEST_SOURCE_DATABASE_URL } from '../support/urls.ts';
import { startJob } from '../../client/start-job.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { jobSpecSchema, type JobSpec } from '../../schemas/job-spec.ts';
import { pipelineSpecSchema, type ResolvedPipelineSpec } from '../../schemas/pipeline-spec.ts';
import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';
import { citizenId, mobile } from '../../governance/masking/masks.ts';
import { specHash } from '../../governance/spec-hash.ts';
import { listAudit, recordAudit } from '../../catalogue/audit.ts';
import type { AuditRecord } from '../../schemas/audit.ts';
import { loadScheduleFile } from '../../cli/load-schedule.ts';
import { putSchedule, scheduleOptions } from '../../client/schedules.ts';

// The audit log and the CLI's masking of personal data: a distribution records who started it (the
// Temporal identity, also through a pipeline), its spec hash, rows, columns and masking, once; the
// CLI shows L3/L4 values of catalogue profiles and quarantined records masked, and a --reveal is
// audited before anything is shown.
const configDir = mkdtempSync(join(tmpdir(), 'dataops-audit-'));
const configFile = join(configDir, 'dataops.config.yaml');
writeFileSync(configFile, 'connections:\n  audit_dept_pg: { type: postgres, urlEnv: TEST_AUDIT_DEPT_PG_URL, maxUnmaskedLevel: L2 }\n');
process.env.DATAOPS_CONFIG = configFile;
process.env.TEST_AUDIT_DEPT_PG_URL = TEST_SOURCE_DATABASE_URL;
const cliEnv = { DATABASE_URL: TEST_DATABASE_URL, DATAOPS_CONFIG: configFile };

const DEPARTMENT = 'audit-civil-affairs';
const CLI_ACTOR = `${userInfo().username}@${hostname()}`;
let env: TestEnv;
let counter = 0;

/** Valid citizen IDs (the check character computed), and two with a wrong one for the quarantine. */
const ids = Array.from({ length: 40 }, (_, i) => {
  const first17 = `31011219${String(80 + (i % 20)).padStart(2, '0')}0${(i % 9) + 1}1${i % 3}${String(100 + i).slice(-3)}`;
  return first17 + citizenIdCheckChar(first17);
});
const badIds = ids.slice(0, 2).map((id) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0'));
const mobiles = Array.from({ length: 42 }, (_, i) => `139${String(20000000 + i * 7919).padStart(8, '0')}`);

function spec(input: Record<string, unknown>): JobSpec {
  counter += 1;
  return jobSpecSchema.parse({ job: `audit-${counter}`, department: DEPARTMENT, ...input });
}

async function run(s: JobSpec | ResolvedPipelineSpec, client: Client = env.client) {
  const { handle, runId } = await startJob(client, env.config, s, `${s.kind}:${s.dataset}:${Date.now()}-${counter}`);
  await handle.result();
  return runId;
}

/** A client whose identity stands for the person starting runs, as the CLI's user@host does. */
function clientAs(identity: string): Client {
  return new Client({ connection: env.client.connection, namespace: env.config.temporal.namespace, identity });
}

const auditOf = async (runId: string): Promise<AuditRecord[]> => (await listAudit(env.db, { runId })).reverse();

beforeAll(async () => {
  env = await startTestEnv('test-audit');
  await withSourceDb(async (client) => {
    await client.query('DROP TABLE IF EXISTS public.audit_people, public.audit_people_copy, public.audit_people_piped, public.audit_people_cli');
    await client.query('CREATE TABLE public.audit_people (id integer PRIMARY KEY, citizen_id text, mobile text, note text)');
    const values = [...ids, ...badIds].map((id, i) => [i + 1, id, mobiles[i], `note ${i % 4}`]);
    for (const v of values) await client.query('INSERT INTO public.audit_people VALUES ($1, $2, $3, $4)', v);
  });
  // Collected, the table is catalogued: citizen_id L4, mobile L3.
  await run(
    spec({
      kind: 'collect',
      dataset: 'audit-people',
      source: { type: 'table', connection: 'dept_source', table: 'public.audit_people' },
      target: { table: 'raw.audit_people' },
    }),
  );
  await run(
    spec({
      kind: 'cleanse',
      dataset: 'audit-people-clean',
      source: { type: 'table', connection: 'centre', table: 'raw.audit_people' },
      key: ['id'],
      target: { table: 'clean.audit_people' },
      rules: { columns: { citizen_id: { validate: ['citizen_id.valid'] } } },
      today: '2026-11-01',
    }),
  );
});
afterAll(async () => {
  await env.client.schedule
    .getHandle('audit-sched')
    .delete()
    .catch(() => undefined);
  await env.stop();
  await closeAllDbs();
});

describe('a distribution in the audit log', () => {
  it('writes one entry: the identity that started it, the spec hash, rows, columns and masking', async () => {
    const s = spec({
      kind: 'distribute',
      dataset: 'audit-people',
      source: { key: 'id' },
      target: { connection: 'audit_dept_pg', table: 'public.audit_people_copy' },
    });
    const runId = await run(s, clientAs('zhang.wei@desk-17'));
    const entries = await auditOf(runId);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    const stored = (await env.db('dataops.runs').where({ run_id: runId }).first()).spec;
    expect(entry).toMatchObject({
      actor: 'zhang.wei@desk-17',
      action: 'distribute',
      runId,
      job: s.job,
      dataset: 'audit-people',
      department: DEPARTMENT,
      recipient: 'audit_dept_pg',
      specHash: specHash(s),
      rows: 42,
      columns: ['id', 'citizen_id', 'mobile', 'note'],
    });
    expect(specHash(stored)).toBe(entry!.specHash);
    expect(entry!.masking.masks).toMatchObject({ id: 'none', citizen_id: 'citizen_id', mobile: 'mobile' });
    expect(entry!.details).toMatchObject({ startedBy: { identity: 'zhang.wei@desk-17', workflowId: expect.stringMatching(/^distribute:/) } });
    // What arrived is what the entry says.
    const arrived = await withSourceDb(async (c) => (await c.query('SELECT citizen_id FROM public.audit_people_copy WHERE id = 1')).rows[0].citizen_id);
    expect(arrived).toBe(citizenId(ids[0]));
  });

  it('names the person who started the pipeline, not the worker that started its step', async () => {
    const step = spec({
      kind: 'distribute',
      dataset: 'audit-people',
      source: { key: 'id' },
      target: { connection: 'audit_dept_pg', table: 'public.audit_people_piped' },
    });
    const pipeline = pipelineSpecSchema.parse({
      kind: 'pipeline',
      job: 'audit-pipeline',
      dataset: 'audit-people',
      department: DEPARTMENT,
      steps: { send: { spec: step } },
    }) as ResolvedPipelineSpec;
    const pipelineRun = await run(pipeline, clientAs('li.na@desk-3'));
    const child = await env.db('dataops.runs').where({ parent_run_id: pipelineRun }).first('run_id');
    const entries = await auditOf(child.run_id);
    expect(entries.map((e) => [e.actor, e.details.startedBy])).toEqual([['li.na@desk-3', { identity: 'li.na@desk-3', workflowId: pipelineRun }]]);
  });

  it('a run started with dataops run is attributed to the user@host of the CLI', async () => {
    const file = join(configDir, 'distribute-cli.yaml');
    const s = { kind: 'distribute', job: 'audit-cli', dataset: 'audit-people', department: DEPARTMENT, source: { key: 'id' } };
    writeFileSync(file, JSON.stringify({ ...s, target: { connection: 'audit_dept_pg', table: 'public.audit_people_cli' } }));
    const result = await runCliAsync(['run', file, '--wait'], cliEnv, { timeoutMs: 90_000 });
    expect(result.status).toBe(0);
    const { run_id: runId } = await env.db('dataops.runs').where({ job: 'audit-cli' }).first('run_id');
    expect(result.stdout).toContain(runId);
    expect((await auditOf(runId)).map((e) => [e.actor, e.rows])).toEqual([[CLI_ACTOR, 42]]);
  });

  it('a run a Schedule started names the scheduler and the schedule', async () => {
    writeFileSync(
      join(configDir, 'audit-sched.yaml'),
      "schedule: audit-sched\njob: distribute-cli.yaml\ncron: '0 3 1 1 *'\npaused: true\nnote: triggered by the test only\n",
    );
    await putSchedule(env.client, scheduleOptions(loadScheduleFile(join(configDir, 'audit-sched.yaml')), env.config));
    const handle = env.client.schedule.getHandle('audit-sched');
    await handle.trigger();
    let workflowId: string | undefined;
    for (let i = 0; i < 120 && !workflowId; i++) {
      workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
      if (!workflowId) await new Promise((r) => setTimeout(r, 250));
    }
    await env.client.workflow.getHandle(workflowId!).result();
    const [entry] = await auditOf(workflowId!);
    expect(entry!.actor).toMatch(/^temporal-scheduler-.*audit-sched$/);
    expect(entry!.details.startedBy).toMatchObject({ scheduleId: 'audit-sched', workflowId });
  });

  it('dataops audit lists entries newest first and filters by department and day', async () => {
    await recordAudit(env.db, {
      actor: 'wang@desk',
      action: 'share',
      dataset: 'audit-people',
      department: 'audit-other-dept',
      recipient: 'public-security',
      rows: 3,
    });
    const mine = JSON.parse(runCli(['audit', '--department', DEPARTMENT, '--json'], cliEnv).stdout) as AuditRecord[];
    expect(mine.length).toBeGreaterThanOrEqual(4);
    expect(new Set(mine.map((e) => e.department))).toEqual(new Set([DEPARTMENT]));
    const other = JSON.parse(runCli(['audit', '--department', 'audit-other-dept', '--json'], cliEnv).stdout) as AuditRecord[];
    expect(other.map((e) => [e.action, e.actor, e.recipient, e.rows])).toEqual([['share', 'wang@desk', 'public-security', 3]]);
    const table = runCli(['audit', '--department', DEPARTMENT], cliEnv);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/distribute\s+li\.na@desk-3\s+audit-people\s+audit-civil-affairs\s+audit_dept_pg\s+42\s+id, citizen_id, mobile, note/);
    expect(table.stdout).toContain('citizen_id:citizen_id mobile:mobile');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect(JSON.parse(runCli(['audit', '--department', DEPARTMENT, '--from', today, '--to', today, '--json'], cliEnv).stdout)).toHaveLength(mine.length);
    expect(JSON.parse(runCli(['audit', '--department', DEPARTMENT, '--to', '2026-01-01', '--json'], cliEnv).stdout)).toEqual([]);
    const bad = runCli(['audit', '--from', '1.12.2026'], cliEnv);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--from must be a day like 2026-12-01');
  });
});

describe('the CLI does not show personal data', () => {
  it('catalog show prints min, max and top patterns of L3/L4 columns masked', async () => {
    const columns = await env
      .db('dataops.catalogue_columns as c')
      .join('dataops.catalogue_resources as r', function () {
        this.on('r.id', '=', 'c.resource_id').andOn('r.current_version', '=', 'c.version');
      })
      .where('r.dataset', 'audit-people')
      .select('c.name', 'c.sensitivity', 'c.min_value', 'c.max_value');
    const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
    expect([byName.citizen_id.sensitivity, byName.mobile.sensitivity]).toEqual(['L4', 'L3']);
    for (const args of [
      ['catalog', 'show', 'audit-people'],
      ['catalog', 'show', 'audit-people', '--json'],
    ]) {
      const { stdout, status } = runCli(args, cliEnv);
      expect(status).toBe(0);
      for (const raw of [byName.citizen_id.min_value, byName.citizen_id.max_value]) {
        expect(stdout).not.toContain(raw);
        expect(stdout).toContain(citizenId(raw)!);
      }
      expect(stdout).not.toContain(byName.mobile.min_value);
      expect(stdout).toContain(mobile(byName.mobile.min_value)!);
      // An L1 column prints as catalogued.
      expect(stdout).toContain(byName.note.max_value);
    }
    expect(runCli(['catalog', 'show', 'audit-people'], cliEnv).stdout).toContain('min, max and top patterns of citizen_id, mobile (L3/L4) are shown masked');
  });

  it('quarantine show masks the record, and --reveal shows it after writing an audit entry', async () => {
    const shown = runCli(['quarantine', 'show', 'audit-people-clean', 'id=41'], cliEnv);
    expect(shown.status).toBe(0);
    expect(shown.stdout).not.toContain(badIds[0]);
    expect(shown.stdout).not.toContain(mobiles[40]);
    expect(shown.stdout).toContain(citizenId(badIds[0])!);
    expect(shown.stdout).toContain(mobile(mobiles[40])!);
    expect(shown.stdout).toContain('"note": "note 0"');
    expect(shown.stderr).toContain('citizen_id, mobile masked');

    const before = (await listAudit(env.db, { department: DEPARTMENT })).filter((e) => e.action === 'reveal');
    const revealed = runCli(['quarantine', 'show', 'audit-people-clean', 'id=41', '--reveal'], cliEnv);
    expect(revealed.status).toBe(0);
    expect(revealed.stdout).toContain(badIds[0]);
    expect(revealed.stdout).toContain(mobiles[40]);
    const reveals = (await listAudit(env.db, { department: DEPARTMENT })).filter((e) => e.action === 'reveal');
    expect(reveals).toHaveLength(before.length + 1);
    const cleanseRun = (await env.db('dataops.runs').where({ dataset: 'audit-people-clean' }).first('run_id', 'job')).run_id;
    expect(reveals[0]).toMatchObject({
      actor: CLI_ACTOR,
      runId: cleanseRun,
      dataset: 'audit-people-clean',
      rows: 1,
      columns: ['citizen_id', 'mobile'],
      specHash: null,
      details: { command: 'quarantine show', sourceRef: 'id=41' },
    });
  });

  it('quarantine list and export mask too; export --reveal is audited with the rows it writes', async () => {
    const list = runCli(['quarantine', 'list', 'audit-people-clean'], cliEnv);
    expect(list.stdout).toMatch(/id=41\s+citizen_id\.valid\s+citizen_id\s+3101/);
    for (const id of badIds) expect(list.stdout).not.toContain(id);
    expect(list.stdout).toContain(citizenId(badIds[1])!);

    const out = join(configDir, 'masked.csv');
    expect(runCli(['quarantine', 'export', 'audit-people-clean', '--out', out], cliEnv).status).toBe(0);
    const masked = readFileSync(out, 'utf8');
    expect(masked.split('\n')[0]).toBe('source_ref,rule_id,column_name,severity,reason,reason_zh,duplicate_of,record,created_at');
    expect(masked.trim().split('\n')).toHaveLength(3);
    for (const id of badIds) expect(masked).not.toContain(id);
    expect(masked).toContain(`""citizen_id"": ""${citizenId(badIds[0])}""`);
    const ndjson = runCli(['quarantine', 'export', 'audit-people-clean', '--format', 'ndjson'], cliEnv)
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(ndjson.map((r) => [r.source_ref, r.record.citizen_id, r.record.note])).toEqual([
      ['id=41', citizenId(badIds[0]), 'note 0'],
      ['id=42', citizenId(badIds[1]), 'note 1'],
    ]);

    const clear = join(configDir, 'clear.csv');
    expect(runCli(['quarantine', 'export', 'audit-people-clean', '--out', clear, '--reveal'], cliEnv).status).toBe(0);
    for (const id of badIds) expect(readFileSync(clear, 'utf8')).toContain(id);
    const [latest] = await listAudit(env.db, { dataset: 'audit-people-clean', limit: 1 });
    expect(latest).toMatchObject({ action: 'reveal', actor: CLI_ACTOR, rows: 2, recipient: `file ${clear}`, details: { command: 'quarantine export' } });
  });
});
