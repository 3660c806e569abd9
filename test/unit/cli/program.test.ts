import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../../cli/program.ts';
import { PROJECT_ROOT } from '../../../temporal/cli-locator.ts';
import { runCli } from '../../support/cli.ts';

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function everyCommand(command: Command, path = ''): { path: string; command: Command }[] {
  const here = `${path} ${command.name()}`.trim();
  return [{ path: here, command }, ...command.commands.flatMap((c) => everyCommand(c, here))];
}

describe('dataops --version', () => {
  it('prints the version in package.json', { timeout: 30_000 }, () => {
    for (const flag of ['--version', '-V']) {
      const result = runCli([flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(`${VERSION}\n`);
    }
  });

  it("is not confused with a command's own --version", { timeout: 30_000 }, () => {
    const result = runCli(['catalog', 'show', 'x', '--version', '2'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' });
    expect(result.stdout).not.toContain(VERSION);
    expect(result.stderr).toContain('PostgreSQL is not reachable');
  });
});

describe('usage errors are one line and a hint, not the whole help', () => {
  it.each([
    [['foo'], "error: unknown command 'foo'; see dataops --help"],
    [['rnu'], "error: unknown command 'rnu' (Did you mean run?); see dataops --help"],
    [['catalog', 'foo'], "error: unknown command 'foo'; see dataops catalog --help"],
    [['runs', '--foo'], "error: unknown option '--foo'; see dataops runs list --help"],
    [['quality'], "error: missing required argument 'dataset'; see dataops quality --help"],
    [
      ['quarantine', 'export', 'r', '--format', 'xml'],
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are csv, ndjson; see dataops quarantine export --help",
    ],
  ])('dataops %j', { timeout: 30_000 }, (args, line) => {
    const result = runCli(args);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`${line}\n`);
  });
});

describe('--help', () => {
  it('describes every command, option and argument', () => {
    const missing: string[] = [];
    for (const { path, command } of everyCommand(buildProgram())) {
      if (!command.description()) missing.push(path);
      for (const option of command.options) if (!option.description) missing.push(`${path} ${option.flags}`);
      for (const argument of command.registeredArguments) if (!argument.description) missing.push(`${path} <${argument.name()}>`);
    }
    expect(missing).toEqual([]);
  });

  it('works on the program and on commands', { timeout: 30_000 }, () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('-V, --version');
    expect(top.stdout).toContain('Environment:');
    const show = runCli(['catalog', 'show', '--help']);
    expect(show.status).toBe(0);
    expect(show.stdout).toMatch(/dataset\s+dataset name, as in: dataops catalog list/);
  });
});
