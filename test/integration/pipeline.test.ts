import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { runCli } from '../support/cli.ts';
import { loadSpec } from '../../cli/load-spec.ts';
import { startJob } from '../../client/start-job.ts';
import { rootCause } from '../../client/root-cause.ts';
import { PROJECT_ROOT } from '../../temporal/cli-locator.ts';
import { closeAllDbs } from '../../db/knex.ts';
import type { PipelineResult } from '../../schemas/pipeline-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'dataops-pipeline-'));
const jobs = join(PROJECT_ROOT, 'samples', 'jobs');
let env: TestEnv;
beforeAll(async () => {
  env = await startTestEnv('test-pipeline');
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

/** The sample collect → cleanse pipeline with a gate on the cleanse, and a third step after it. */
function pipelineFile(name: string, gate: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(
    path,
    `kind: pipeline
job: ${name}
dataset: minhang-residents
department: civil-affairs
steps:
  collect: { spec: ${join(jobs, 'collect-residents.yaml')} }
  cleanse: { spec: ${join(jobs, 'cleanse-residents.yaml')}, after: [collect], gate: ${gate} }
  enterprises: { spec: ${join(jobs, 'collect-enterprises.yaml')}, after: [cleanse] }
`,
  );
  return path;
}

let n = 0;
const start = (path: string) => startJob(env.client, env.config, loadSpec(path), `pipeline:test:${Date.now()}-${++n}`);

describe('pipelines', () => {
  it('a cleanse below its accuracy gate stops the pipeline before the next step, saying why', async () => {
    const { handle, runId } = await start(pipelineFile('gate-stop', '{ accuracy: { min: 0.99 }, onFail: stop }'));
    const error = await handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(rootCause(error)?.message).toMatch(/^gate of step cleanse failed: accuracy 94\.10% is below the minimum 99\.00% \(not run: enterprises\)$/);
    const runs = await env.db('dataops.runs').where({ parent_run_id: runId }).orderBy('started_at').select('run_id', 'kind', 'status');
    expect(runs).toEqual([
      { run_id: `${runId}/collect`, kind: 'collect', status: 'succeeded' },
      { run_id: `${runId}/cleanse`, kind: 'cleanse', status: 'succeeded' },
    ]);
    const own = await env.db('dataops.runs').where({ run_id: runId }).first('status', 'kind', 'error');
    expect(own).toMatchObject({ status: 'failed', kind: 'pipeline', error: expect.stringMatching(/accuracy 94\.10%/) });
    // The child runs carry the pipeline's search attributes of their own job, linked in the Web UI.
    const child = await env.client.workflow.getHandle(`${runId}/cleanse`).describe();
    expect(child.parentExecution?.workflowId).toBe(runId);
  });

  it('a gate with onFail: warn records the miss on the run and goes on to the next step', async () => {
    const { handle, runId } = await start(pipelineFile('gate-warn', '{ accuracy: { min: 0.99 }, rejected: { max: 0.01 }, onFail: warn }'));
    const result = (await handle.result()) as PipelineResult;
    expect(Object.fromEntries(Object.entries(result.steps).map(([k, v]) => [k, v.status]))).toEqual({
      collect: 'succeeded',
      cleanse: 'succeeded',
      enterprises: 'succeeded',
    });
    expect(result.steps.cleanse!.gateFailures).toEqual([
      'accuracy 94.10% is below the minimum 99.00%',
      '5.90% of records were rejected, above the maximum 1.00%',
    ]);
    const own = await env.db('dataops.runs').where({ run_id: runId }).first('status', 'warnings');
    expect(own.status).toBe('succeeded');
    expect(own.warnings).toEqual([
      'gate of step cleanse failed: accuracy 94.10% is below the minimum 99.00%; 5.90% of records were rejected, above the maximum 1.00%',
    ]);
  });

  it('refuses unknown steps, cycles and gates on unknown metrics before anything starts', () => {
    const cases: [string, string, RegExp][] = [
      ['unknown', 'a: { spec: x.yaml, after: [colect] }\n  collect: { spec: y.yaml }', /steps\.a\.after\.0: unknown step "colect" \(did you mean collect\?\)/],
      ['cycle', 'a: { spec: x.yaml, after: [b] }\n  b: { spec: y.yaml, after: [a] }', /the steps depend on each other in a cycle: a → b → a/],
      ['metric', 'a: { spec: x.yaml, gate: { acuracy: { min: 0.9 } } }', /Unrecognized key: "acuracy" \(did you mean accuracy\?\)/],
    ];
    for (const [name, steps, message] of cases) {
      const path = join(dir, `bad-${name}.yaml`);
      writeFileSync(path, `kind: pipeline\njob: p\ndataset: d\ndepartment: x\nsteps:\n  ${steps}\n`);
      const result = runCli(['validate', path]);
      expect(result.status, name).toBe(2);
      expect(result.stderr, name).toMatch(message);
    }
  });
});

describe('a pipeline run in the CLI', () => {
  it('runs show lists its steps as runs, with their outcome', async () => {
    const { handle, runId } = await start(pipelineFile('show', '{ accuracy: { min: 0.5 } }'));
    await handle.result();
    const shown = runCli(['runs', 'show', runId], { DATABASE_URL: env.config.databaseUrl });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`${runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/collect\\s+collect\\s+succeeded\\s+2,000`));
    expect(shown.stdout).toMatch(/\/cleanse\s+cleanse\s+succeeded\s+2,000\s+1,882\s+118\s+94\.10%/);
    expect(shown.stdout).toMatch(/\/enterprises\s+collect\s+succeeded\s+500/);
  });
});

describe('the run history', () => {
  it('shows a pipeline as one run, its steps with --steps', async () => {
    const { handle, runId } = await start(pipelineFile('history', '{ accuracy: { min: 0.5 } }'));
    await handle.result();
    const plain = JSON.parse(runCli(['runs', '--json', '--limit', '50'], { DATABASE_URL: env.config.databaseUrl }).stdout) as { run_id: string }[];
    expect(plain.map((r) => r.run_id)).toContain(runId);
    expect(plain.map((r) => r.run_id)).not.toContain(`${runId}/collect`);
    const steps = JSON.parse(runCli(['runs', '--steps', '--json', '--limit', '50'], { DATABASE_URL: env.config.databaseUrl }).stdout) as { run_id: string }[];
    expect(steps.map((r) => r.run_id)).toEqual(expect.arrayContaining([runId, `${runId}/collect`, `${runId}/cleanse`]));
  });
});
