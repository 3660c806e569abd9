import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { execFileSync } from 'node:child_process';
import { startTestEnv, type TestEnv } from '../support/harness.ts';
import { collectSpec, runCollect } from '../support/run-job.ts';
import { locateTemporalCli } from '../../temporal/cli-locator.ts';
import { closeAllDbs } from '../../db/knex.ts';

let env: TestEnv;
let workflowId: string;
const dataset = `it-visible-${process.pid}`;

beforeAll(async () => {
  env = await startTestEnv('test-visibility');
  const spec = collectSpec({
    dataset,
    department: 'civil-affairs',
    source: { type: 'file', connection: 'samples', path: 'residents.csv' },
    target: { table: 'raw.it_visible' },
  });
  ({ workflowId } = await runCollect(env.client, env.config, spec));
});
afterAll(async () => {
  await env.stop();
  await closeAllDbs();
});

function decode(payload: { data: string }): unknown {
  return JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
}

describe('runs are visible in Temporal', () => {
  it('the real `temporal workflow list` finds the run by its search attributes', async () => {
    const cli = locateTemporalCli();
    if (cli.source === 'sdk-download') throw new Error('the Temporal CLI is not installed; run scripts/install-temporal.sh');
    const query = `DataOpsDataset="${dataset}" AND DataOpsDepartment="civil-affairs" AND DataOpsKind="collect" AND DataOpsRecords > 1000`;
    let listed: { execution: { workflowId: string }; searchAttributes: { indexedFields: Record<string, { data: string }> } }[] = [];
    for (let i = 0; i < 50 && listed.length === 0; i++) {
      // Visibility is eventually consistent; the dev server usually catches up in milliseconds.
      listed = JSON.parse(
        execFileSync(cli.path, ['workflow', 'list', '--address', inject('temporalAddress'), '--query', query, '-o', 'json'], { encoding: 'utf8' }) || '[]',
      );
      if (!listed.length) await new Promise((r) => setTimeout(r, 200));
    }
    expect(listed.map((w) => w.execution.workflowId)).toEqual([workflowId]);
    const fields = listed[0]!.searchAttributes.indexedFields;
    expect(decode(fields.DataOpsJob!)).toMatch(/^test-job-/);
    expect(decode(fields.DataOpsRecords!)).toBe(2000);
    const accuracy = decode(fields.DataOpsAccuracy!) as number;
    expect(accuracy).toBeGreaterThan(0.9);
    expect(accuracy).toBeLessThan(1);
  });

  it('the Web UI serves the run with its summary and search attributes', async () => {
    const ui = inject('temporalUiUrl');
    const page = await fetch(`${ui}/namespaces/default/workflows`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const query = encodeURIComponent(`DataOpsDataset="${dataset}"`);
    const listed = (await (await fetch(`${ui}/api/v1/namespaces/default/workflows?query=${query}`)).json()) as {
      executions: { execution: { workflowId: string }; searchAttributes: { indexedFields: Record<string, unknown> } }[];
    };
    expect(listed.executions.map((e) => e.execution.workflowId)).toEqual([workflowId]);
    expect(Object.keys(listed.executions[0]!.searchAttributes.indexedFields)).toEqual(
      expect.arrayContaining(['DataOpsJob', 'DataOpsKind', 'DataOpsDataset', 'DataOpsDepartment', 'DataOpsRecords', 'DataOpsAccuracy']),
    );
    const described = await env.client.workflow.getHandle(workflowId).describe();
    expect(await described.staticSummary()).toBe(`collect samples:residents.csv → raw.it_visible (civil-affairs, replace)`);
  });
});
