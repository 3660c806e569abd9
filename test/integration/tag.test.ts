import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { expectWorkflowFailure } from '../support/expect-failure.ts';
import { startJob } from '../../client/start-job.ts';
import { closeAllDbs } from '../../db/knex.ts';
import { jobSpecSchema, type TagJobSpec } from '../../schemas/job-spec.ts';
import type { TagResult } from '../../schemas/tag-run.ts';
import type { StageSummary } from '../../schemas/collect-run.ts';
import { stageTag } from '../../activities/tag/stage-tag.ts';
import { applyTags } from '../../activities/tag/apply-tags.ts';
import { startRun } from '../../activities/runs/run-records.ts';
import { currentTagHolders, tagsOfEntity } from '../../catalogue/tags.ts';
import { runCliAsync } from '../support/cli.ts';
import { readFileSync } from 'node:fs';
import { loadJobSpec } from '../../cli/load-spec.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { citizenIdCheckChar } from '../../governance/semantic/citizen-id.ts';

// Tags over a seeded resident table whose truth the test computes itself from the generated rows (ages
// by calendar arithmetic, household figures by summing the generated members), not through the code
// under test: a first run, a re-run after rows and the list changed (periods closed, counts of added
// and removed), a rule whose version changed, and a staging attempt cancelled midway that resumes.
const AS_OF = '2026-11-01';
const N = 3_000;
let env: TestEnv;
let dir: string;

interface Resident {
  id: string;
  citizenId: string;
  birth: string | null;
}
interface Member {
  resident: string;
  income: number;
  disabled: boolean;
}

/** A small deterministic PRNG (mulberry32): the same data every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const residents: Resident[] = [];
let members: Member[] = [];
const random = prng(20261203);
for (let i = 1; i <= N; i++) {
  const y = 1930 + Math.floor(random() * 80);
  const m = 1 + Math.floor(random() * 12);
  const d = 1 + Math.floor(random() * 28);
  const birth = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  const first17 = `310112${birth.replaceAll('-', '')}${String(i % 1000).padStart(3, '0')}`;
  residents.push({
    id: `R${String(i).padStart(5, '0')}`,
    citizenId: first17 + citizenIdCheckChar(first17),
    birth: i % 50 === 0 ? null : birth,
  });
  const size = Math.floor(random() * 4);
  for (let k = 0; k < size; k++)
    members.push({ resident: `R${String(i).padStart(5, '0')}`, income: Math.round(random() * 2_000_000) / 100, disabled: random() < 0.05 });
}

function ageAt(birth: string, at: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = at.split('-').map(Number) as [number, number, number];
  return ay - by - (am < bm || (am === bm && ad < bd) ? 1 : 0);
}

/** What each tag should hold, computed from the rows as generated. */
function truth(listed: Set<string>): Record<string, string[]> {
  const byResident = new Map<string, Member[]>();
  for (const m of members) byResident.set(m.resident, [...(byResident.get(m.resident) ?? []), m]);
  const out: Record<string, string[]> = { elderly: [], 'elderly-alone': [], 'low-income': [], disability: [], 'high-earner': [], 'support-list': [] };
  for (const r of residents) {
    const own = byResident.get(r.id) ?? [];
    const age = r.birth ? ageAt(r.birth, AS_OF) : null;
    if (age !== null && age >= 60) out.elderly!.push(r.id);
    if (age !== null && age >= 60 && own.length === 1) out['elderly-alone']!.push(r.id);
    if (own.length > 0 && own.reduce((n, m) => n + m.income, 0) < 30_000) out['low-income']!.push(r.id);
    if (own.some((m) => m.disabled)) out.disability!.push(r.id);
    // Members are inserted in order, so the latest member_id is the last generated.
    const incomes = own.map((m) => m.income);
    if (own.length && Math.max(...incomes) >= 15_000 && incomes.reduce((a, b) => a + b, 0) / own.length < 12_000 && incomes.at(-1)! > 5_000)
      out['high-earner']!.push(r.id);
    if (listed.has(r.citizenId)) out['support-list']!.push(r.id);
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

/** The support list as a department types it: full-width digits, lower-case x, stray spaces, a header, unknown IDs. */
function writeList(path: string, ids: string[]): void {
  const lines = [
    'citizen_id',
    ...ids.map((id, i) =>
      i % 3 === 0 ? id.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)) : i % 3 === 1 ? ` ${id.toLowerCase()} ` : id,
    ),
    '310112190001019999',
  ];
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
}

async function seed(): Promise<void> {
  await env.db.raw('DROP SCHEMA IF EXISTS tagtest CASCADE');
  await env.db.raw('CREATE SCHEMA tagtest');
  await env.db.raw('CREATE TABLE tagtest.residents (entity_id text PRIMARY KEY, citizen_id text NOT NULL, birth_date date, name text)');
  await env.db.raw(
    'CREATE TABLE tagtest.members (member_id serial PRIMARY KEY, resident_id text NOT NULL, income numeric(12,2) NOT NULL, disabled boolean NOT NULL)',
  );
  await env.db.raw('CREATE INDEX ON tagtest.members (resident_id)');
  for (let i = 0; i < residents.length; i += 1000) {
    await env
      .db('tagtest.residents')
      .insert(residents.slice(i, i + 1000).map((r) => ({ entity_id: r.id, citizen_id: r.citizenId, birth_date: r.birth, name: `居民${r.id}` })));
  }
  for (let i = 0; i < members.length; i += 1000) {
    await env.db('tagtest.members').insert(members.slice(i, i + 1000).map((m) => ({ resident_id: m.resident, income: m.income, disabled: m.disabled })));
  }
}

function tagSpec(job: string, listPath: string, overrides: Partial<Record<'elderly', string>> = {}, batchRows = 500): TagJobSpec {
  return jobSpecSchema.parse({
    kind: 'tag',
    job,
    dataset: 'tagtest-residents',
    department: 'civil-affairs',
    entities: { table: 'tagtest.residents', key: 'entity_id', type: 'resident' },
    joins: {
      household: {
        table: 'tagtest.members',
        on: 'resident_id',
        fields: {
          household_size: { fn: 'count' },
          total_income: { fn: 'sum', column: 'income' },
          has_disabled: { fn: 'any', column: 'disabled' },
          max_income: { fn: 'max', column: 'income' },
          mean_income: { fn: 'avg', column: 'income' },
          latest_income: { fn: 'first', column: 'income', orderBy: 'member_id' },
        },
      },
    },
    computed: { age: { fn: 'age_years', column: 'birth_date' } },
    asOf: AS_OF,
    tags: {
      elderly: { rule: overrides.elderly ?? 'age >= 60' },
      'elderly-alone': { rule: 'age >= 60 && household_size == 1' },
      'low-income': { rule: 'household_size > 0 && total_income < 30000.0' },
      disability: { rule: 'has_disabled' },
      'high-earner': { rule: 'max_income >= 15000.0 && mean_income < 12000.0 && latest_income > 5000.0' },
      'support-list': { list: { path: listPath, match: 'citizen_id', normalise: 'citizen_id' } },
    },
    options: { batchRows, heartbeatSeconds: 10 },
  }) as TagJobSpec;
}

let counter = 0;
async function runTag(spec: TagJobSpec): Promise<TagResult> {
  const { handle } = await startJob(env.client, env.config, spec, `tag:${spec.dataset}:${Date.now()}-${++counter}`);
  return (await handle.result()) as TagResult;
}

async function holders(job: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const tag of ['elderly', 'elderly-alone', 'low-income', 'disability', 'high-earner', 'support-list'])
    out[tag] = await currentTagHolders(env.db, job, tag);
  return out;
}

const counts = (result: TagResult) => Object.fromEntries(result.apply.tags.map((t) => [t.tag, { added: t.added, removed: t.removed, current: t.current }]));
const difference = (a: string[], b: string[]) => a.filter((x) => !new Set(b).has(x));

beforeAll(async () => {
  env = await startTestEnv('test-tag');
  dir = mkdtempSync(join(tmpdir(), 'dataops-tag-'));
  await seed();
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

describe('tag', () => {
  it('gives rule and list tags matching the generated truth; a re-run closes and opens periods', async () => {
    const listPath = join(dir, 'support.csv');
    let listed = residents.filter((_, i) => i % 37 === 0).map((r) => r.citizenId);
    writeList(listPath, listed);
    const job = `tag-residents-${process.pid}`;
    const first = await runTag(tagSpec(job, listPath));
    const truth1 = truth(new Set(listed));
    expect(await holders(job)).toEqual(truth1);
    expect(truth1.elderly!.length).toBeGreaterThan(500);
    expect(truth1['support-list']!.length).toBe(Math.ceil(N / 37));
    expect(truth1['high-earner']!.length).toBeGreaterThan(0);
    expect(counts(first).elderly).toEqual({ added: truth1.elderly!.length, removed: 0, current: truth1.elderly!.length });
    expect(first.apply.entities).toBe(N);
    // Residents without a birth date are not decided by age rules, and counted so.
    expect(first.apply.tags.find((t) => t.tag === 'elderly')!.unknown).toBe(N / 50);

    // The evidence is the values that made the rule true.
    const someone = truth1['elderly-alone']![0]!;
    const [tagRow] = (await tagsOfEntity(env.db, someone, { job })).filter((t) => t.tag === 'elderly-alone');
    const r = residents.find((x) => x.id === someone)!;
    expect(tagRow!.evidence).toEqual({ age: ageAt(r.birth!, AS_OF), household_size: 1 });
    expect(tagRow!.rule_id).toBe('rule:elderly-alone');

    // Some residents age into or out of the rules, households change, the list changes.
    const changed = residents.filter((_, i) => i % 13 === 0);
    for (const [i, res] of changed.entries()) res.birth = i % 2 ? '1950-06-15' : '2001-02-03';
    for (const res of changed) await env.db('tagtest.residents').where({ entity_id: res.id }).update({ birth_date: res.birth });
    const emptied = new Set(residents.filter((_, i) => i % 17 === 0).map((res) => res.id));
    members = members.filter((m) => !emptied.has(m.resident));
    await env
      .db('tagtest.members')
      .whereIn('resident_id', [...emptied])
      .delete();
    listed = [...listed.slice(10), ...residents.filter((_, i) => i % 41 === 1).map((res) => res.citizenId)];
    writeList(listPath, listed);
    const second = await runTag(tagSpec(job, listPath));
    const truth2 = truth(new Set(listed));
    expect(await holders(job)).toEqual(truth2);
    for (const tag of Object.keys(truth2)) {
      expect(counts(second)[tag], tag).toEqual({
        added: difference(truth2[tag]!, truth1[tag]!).length,
        removed: difference(truth1[tag]!, truth2[tag]!).length,
        current: truth2[tag]!.length,
      });
    }
    expect(counts(second).elderly!.added).toBeGreaterThan(0);
    expect(counts(second).elderly!.removed).toBeGreaterThan(0);
    // Removed tags are closed at the second run's time, never deleted; nothing is open twice.
    const gone = difference(truth1.elderly!, truth2.elderly!)[0]!;
    const history = await tagsOfEntity(env.db, gone, { job, allHistory: true });
    const closed = history.find((t) => t.tag === 'elderly')!;
    expect(closed.valid_to).not.toBeNull();
    expect(closed.closed_by_run_id).toBe(second.runId);
    expect(closed.run_id).toBe(first.runId);
    const total = await env.db('dataops.tags').where({ job, tag: 'elderly' }).count<{ n: string }[]>({ n: '*' });
    expect(Number(total[0]!.n)).toBe(truth1.elderly!.length + counts(second).elderly!.added);
    // A changed list does not re-issue the periods of entities still on it.
    const listRows = await env.db('dataops.tags').where({ job, tag: 'support-list' }).count<{ n: string }[]>({ n: '*' });
    expect(Number(listRows[0]!.n)).toBe(truth1['support-list']!.length + counts(second)['support-list']!.added);
    const doubled = await env.db.raw(
      'SELECT count(*)::int AS n FROM (SELECT 1 FROM dataops.tags WHERE job = ? AND valid_to IS NULL GROUP BY tag, entity_id HAVING count(*) > 1) d',
      [job],
    );
    expect(doubled.rows[0].n).toBe(0);
    // Counts per tag in the metrics schema.
    const indicator = await env.db('dataops.quality_indicators').where({ run_id: second.runId, column_name: 'elderly', indicator: 'tag.current' }).first();
    expect(Number(indicator.a)).toBe(truth2.elderly!.length);
    expect(Number(indicator.b)).toBe(N);
    const runRows = await env.db('dataops.tag_runs').where({ run_id: second.runId }).orderBy('tag');
    expect(runRows.map((row: { tag: string }) => row.tag)).toEqual(['disability', 'elderly', 'elderly-alone', 'high-earner', 'low-income', 'support-list']);

    // The CLI: current tags with evidence, every period with --all-history, counts per run.
    const cliNow = await runCliAsync(['tags', gone, '--job', job, '--json']);
    expect(cliNow.stderr).toBe('');
    expect(cliNow.status).toBe(0);
    expect((JSON.parse(cliNow.stdout) as { tag: string }[]).map((t) => t.tag)).not.toContain('elderly');
    const cliAll = await runCliAsync(['tags', gone, '--job', job, '--all-history']);
    expect(cliAll.stdout).toMatch(new RegExp(`elderly .*${first.runId}`));
    expect(cliAll.stdout).toMatch(/rule:elderly@[0-9a-f]{8}/);
    const listedOne = truth2['support-list']![0]!;
    const cliList = await runCliAsync(['tags', listedOne, '--job', job, '--tag', 'support-list', '--json']);
    const evidence = (JSON.parse(cliList.stdout) as { evidence: { citizen_id: string } }[])[0]!.evidence;
    // The matched citizen ID is evidence, shown masked.
    expect(evidence.citizen_id).toMatch(/^310112\*+/);
    const cliCounts = await runCliAsync(['tags', '--job', job, '--tag', 'elderly']);
    expect(cliCounts.stdout).toMatch(new RegExp(`${job} +elderly +${truth2.elderly!.length.toLocaleString('en-US')}`));

    // A changed rule is a new version: its holders are re-issued under it, not counted as added or removed.
    const third = await runTag(tagSpec(job, listPath, { elderly: 'age >= 60 && age < 200' }));
    expect(counts(third).elderly).toEqual({ added: 0, removed: 0, current: truth2.elderly!.length });
    const open = await env.db('dataops.tags').where({ job, tag: 'elderly' }).whereNull('valid_to').distinct('rule_version');
    expect(open).toEqual([{ rule_version: third.plan.versions.elderly }]);
    expect(third.plan.versions.elderly).not.toBe(first.plan.versions.elderly);
  });

  it('refuses a rule that does not compile, naming the tag, the column and the known fields', async () => {
    const listPath = join(dir, 'refuse.csv');
    writeList(listPath, []);
    const spec = tagSpec(`tag-refuse-${process.pid}`, listPath, { elderly: 'agee >= 60' });
    const { handle } = await startJob(env.client, env.config, spec, `tag:refuse:${Date.now()}`);
    await expectWorkflowFailure(
      handle,
      /tag elderly: the rule does not compile: unknown field "agee" \(did you mean age\?\); known fields: entity_id, citizen_id, birth_date, name, age, household_size.* at column 1/,
    );
    const injected = tagSpec(`tag-refuse2-${process.pid}`, listPath, { elderly: 'age >= 60; DROP TABLE tagtest.residents' });
    const second = await startJob(env.client, env.config, injected, `tag:refuse2:${Date.now()}`);
    await expectWorkflowFailure(second.handle, /Unexpected character: ; at column 10/);
    expect(Number((await env.db('tagtest.residents').count<{ n: string }[]>({ n: '*' }))[0]!.n)).toBe(N);
  });

  it('resumes a cancelled staging attempt from its checkpoint and applies once', async () => {
    // A table big enough that staging is still under way when the attempt is cancelled.
    const M = 200_000;
    await env.db.raw(`CREATE TABLE tagtest.many AS SELECT 'M' || lpad(g::text, 7, '0') AS entity_id, 'C' || g AS citizen_id,
      DATE '1930-01-01' + (g * 7 % 29000) AS birth_date FROM generate_series(1, ${M}) g`);
    await env.db.raw('ALTER TABLE tagtest.many ADD PRIMARY KEY (entity_id)');
    const expected = { elderly: [] as string[], listed: [] as string[] };
    for (let g = 1; g <= M; g++) {
      const birth = new Date(Date.UTC(1930, 0, 1) + ((g * 7) % 29000) * 86_400_000).toISOString().slice(0, 10);
      const id = `M${String(g).padStart(7, '0')}`;
      if (ageAt(birth, AS_OF) >= 60) expected.elderly.push(id);
      if (g % 1000 === 0) expected.listed.push(id);
    }
    const listPath = join(dir, 'many.txt');
    writeFileSync(listPath, Array.from({ length: M / 1000 }, (_, i) => `c${(i + 1) * 1000}`).join('\n'));
    const job = `tag-resume-${process.pid}`;
    const spec = jobSpecSchema.parse({
      kind: 'tag',
      job,
      dataset: 'tagtest-many',
      department: 'civil-affairs',
      entities: { table: 'tagtest.many', key: 'entity_id', type: 'resident' },
      computed: { age: { fn: 'age_years', column: 'birth_date' } },
      asOf: AS_OF,
      tags: { elderly: { rule: 'age >= 60' }, listed: { list: { path: listPath, match: 'citizen_id', normalise: 'citizen_id' } } },
      options: { batchRows: 5_000, heartbeatSeconds: 10 },
    }) as TagJobSpec;
    const runId = `tag-resume-${Date.now()}`;
    const logicalDate = new Date().toISOString();
    await new MockActivityEnvironment({}, { client: env.client }).run(startRun, { runId, spec, logicalDate });
    const first = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 }, { client: env.client });
    const staged = first.run(stageTag, { runId, spec, asOf: AS_OF }).then(
      () => 'finished',
      (error: Error) => error.name,
    );
    for (let i = 0; i < 3000; i++) {
      const row = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'tag' }).first();
      if (row && row.state.batches >= 3) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    first.cancel();
    expect(await staged).toBe('CancelledFailure');
    const checkpoint = await env.db('dataops.checkpoints').where({ run_id: runId, step: 'tag' }).first();
    expect(checkpoint.status).toBe('staging');
    expect(checkpoint.state.rows).toBeGreaterThan(0);
    expect(checkpoint.state.rows).toBeLessThan(M);
    const resumed = (await new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000, attempt: 2 }, { client: env.client }).run(stageTag, {
      runId,
      spec,
      asOf: AS_OF,
    })) as StageSummary;
    expect(resumed.resumedFromRow).toBe(checkpoint.state.rows);
    expect(resumed.rows).toBe(M);
    const applyInput = { runId, spec, logicalDate, durationMs: 1 };
    const applied = (await new MockActivityEnvironment({}, { client: env.client }).run(applyTags, applyInput)) as TagResult['apply'];
    // A retried apply (after its commit) returns the recorded counts and opens nothing again.
    const again = await new MockActivityEnvironment({ attempt: 2 }, { client: env.client }).run(applyTags, applyInput);
    expect(again).toEqual(applied);
    expect(applied.tags.map((t) => [t.tag, t.added, t.current])).toEqual([
      ['elderly', expected.elderly.length, expected.elderly.length],
      ['listed', expected.listed.length, expected.listed.length],
    ]);
    expect(await currentTagHolders(env.db, job, 'elderly')).toEqual(expected.elderly);
    expect(await currentTagHolders(env.db, job, 'listed')).toEqual(expected.listed);
    const rows = await env.db('dataops.tags').where({ job }).count<{ n: string }[]>({ n: '*' });
    expect(Number(rows[0]!.n)).toBe(expected.elderly.length + expected.listed.length);
  });

  it('the sample job tags the cleansed sample residents as their published values say', async () => {
    const jobs = join(PROJECT_ROOT, 'samples', 'jobs');
    const runSample = async (file: string) => {
      const spec = loadJobSpec(join(jobs, file));
      const { handle } = await startJob(env.client, env.config, spec, `${spec.kind}:${spec.dataset}:test-${Date.now()}-${++counter}`);
      return handle.result();
    };
    await runSample('collect-residents.yaml');
    await runSample('cleanse-residents.yaml');
    // The tag sample through the CLI, as a user runs it: the summary table names every tag.
    const cli = await runCliAsync(['run', join(jobs, 'tag-residents.yaml'), '--wait', '--json'], {}, { timeoutMs: 120_000 });
    expect(cli.stderr).not.toMatch(/error|failed/i);
    expect(cli.status).toBe(0);
    const result = JSON.parse(cli.stdout.slice(cli.stdout.indexOf('\n{') + 1)) as TagResult;
    const table = await runCliAsync(['run', join(jobs, 'tag-residents.yaml'), '--wait'], {}, { timeoutMs: 120_000 });
    expect(table.stdout).toMatch(/run +tag +current +added +removed +undecided/);
    expect(table.stdout).toMatch(/allowance-review +\d+ +0 +0 +0 +[\d,]+/);
    // Truth from the published rows and the list as sent, normalised here by NFKC (not the code under test).
    const rows = (
      await env.db.raw(`SELECT resident_id::text AS id, citizen_id, birth_date::text AS birth, street,
        (registered_at::timestamptz AT TIME ZONE 'Asia/Shanghai')::date::text AS registered FROM clean.residents`)
    ).rows as { id: string; citizen_id: string; birth: string; street: string | null; registered: string }[];
    const listed = new Set(
      readFileSync(join(jobs, 'reference', 'minimum-living-allowance.csv'), 'utf8')
        .split(/\r?\n/)
        .slice(1)
        .filter(Boolean)
        .map((line) => line.split(',')[0]!.normalize('NFKC').trim().toUpperCase()),
    );
    const sorted = (ids: string[]) => [...ids].sort();
    const expected = {
      elderly: sorted(rows.filter((r) => ageAt(r.birth, AS_OF) >= 60).map((r) => r.id)),
      'very-elderly': sorted(rows.filter((r) => ageAt(r.birth, AS_OF) >= 80).map((r) => r.id)),
      'long-term-gumei': sorted(rows.filter((r) => r.street === '古美路街道' && ageAt(r.registered, AS_OF) >= 10).map((r) => r.id)),
      'allowance-review': sorted(rows.filter((r) => listed.has(r.citizen_id)).map((r) => r.id)),
    };
    for (const [tag, ids] of Object.entries(expected)) {
      expect(await currentTagHolders(env.db, 'tag-residents', tag), tag).toEqual(ids);
      expect(ids.length, tag).toBeGreaterThan(0);
    }
    expect(result.apply.entities).toBe(rows.length);
  });

  it('reads a list from a files connection, and refuses a path that escapes its root', async () => {
    const pilots = readFileSync(join(PROJECT_ROOT, 'samples', 'data', 'credit-code-pilots.txt'), 'utf8')
      .split('\n')
      .filter(Boolean);
    await env.db.raw('CREATE TABLE tagtest.enterprises (entity_id text PRIMARY KEY, credit_code text)');
    // Half of the pilots are among the enterprises, lower-cased as a department might type them; the rest are other codes.
    const enterprises = [
      ...pilots.slice(0, 5).map((code, i) => ({ entity_id: `E${i}`, credit_code: code.toLowerCase() })),
      { entity_id: 'E9', credit_code: '91310112000000000X' },
    ];
    await env.db('tagtest.enterprises').insert(enterprises);
    const spec = (path: string) =>
      jobSpecSchema.parse({
        kind: 'tag',
        job: `tag-pilots-${process.pid}`,
        dataset: 'tagtest-enterprises',
        department: 'market',
        entities: { table: 'tagtest.enterprises', key: 'entity_id', type: 'enterprise' },
        tags: { pilot: { list: { connection: 'samples', path, match: 'credit_code', normalise: 'citizen_id' } } },
      }) as TagJobSpec;
    await runTag(spec('credit-code-pilots.txt'));
    expect(await currentTagHolders(env.db, `tag-pilots-${process.pid}`, 'pilot')).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
    const { handle } = await startJob(env.client, env.config, spec('../../package.json'), `tag:escape:${Date.now()}`);
    await expectWorkflowFailure(handle, /file path "\.\.\/\.\.\/package\.json" escapes the root of connection "samples"/);
  });
});
