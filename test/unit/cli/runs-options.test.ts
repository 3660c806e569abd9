import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../../cli/program.ts';
import { runRowSchema, runStatusSchema } from '../../../schemas/metrics.ts';
import { runCli } from '../../support/cli.ts';

const CLOSED_DB = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' };

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

describe('runs --status', () => {
  it('knows the statuses a reconciler sets', () => {
    expect(runStatusSchema.options).toEqual(expect.arrayContaining(['terminated', 'timed_out']));
    const row = {
      run_id: 'r',
      job: 'j',
      kind: 'collect',
      dataset: 'd',
      department: 'x',
      workflow_id: 'r',
      temporal_run_id: null,
      status: 'timed_out',
      spec: {},
      started_at: new Date(),
      ended_at: null,
      records_in: null,
      records_out: null,
      records_rejected: null,
      accuracy: null,
      error: null,
    };
    expect(runRowSchema.parse(row).status).toBe('timed_out');
    expect(runRowSchema.parse({ ...row, status: 'terminated' }).status).toBe('terminated');
  });

  it('refuses an unknown status with the valid ones, before asking the database', { timeout: 30_000 }, () => {
    const result = runCli(['runs', '--status', 'done'], CLOSED_DB);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`argument 'done' is invalid. Allowed choices are ${runStatusSchema.options.join(', ')};`);
    expect(result.stderr).not.toContain('PostgreSQL');
  });

  it('accepts a new status (and then needs the database)', { timeout: 30_000 }, () => {
    const result = runCli(['runs', '--status', 'timed_out'], CLOSED_DB);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PostgreSQL is not reachable');
  });
});

describe('filter options are explained wherever they appear', () => {
  it('--job, --dataset, --department and --status have help text on every command', () => {
    const seen: string[] = [];
    for (const command of allCommands(buildProgram())) {
      for (const option of command.options) {
        if (!['--job', '--dataset', '--department', '--status'].includes(option.long ?? '')) continue;
        seen.push(`${command.name()} ${option.long}`);
        expect(option.description, `${command.name()} ${option.long}`).toMatch(/\w{3,}/);
      }
    }
    expect(seen).toEqual(expect.arrayContaining(['list --job', 'list --dataset', 'list --department', 'list --status']));
  });
});
