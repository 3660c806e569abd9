import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

// A closed port: nothing listens on 1. The password must never be printed.
const CLOSED = { DATABASE_URL: 'postgres://postgres:s3cret@127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1' };

const COMMANDS: string[][] = [
  ['runs'],
  ['runs', '--json'],
  ['catalog', 'list'],
  ['catalog', 'show', 'some-dataset'],
  ['quarantine', 'list', 'some-run'],
  ['quarantine', 'show', 'some-run', 'row 1'],
  ['quarantine', 'export', 'some-run'],
  ['quality', 'some-dataset'],
  ['migrate'],
  ['worker'],
  ['dev', '--detach', '--port', '17999', '--ui-port', '17998'],
  ['demo'],
];

describe('an unreachable database is one clear line on every command that uses it', () => {
  it.each(COMMANDS.map((args) => [args.join(' '), args] as const))('dataops %s', { timeout: 60_000 }, (_name, args) => {
    const result = runCli([...args], CLOSED);
    expect(result.stderr).toContain('PostgreSQL is not reachable at postgres://postgres:***@127.0.0.1:1/x (ECONNREFUSED)');
    expect(result.stderr).toContain('pg_ctlcluster');
    expect(result.stderr).not.toContain('s3cret');
    // No stack trace, no knex pool warning: the message and nothing else.
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain('Acquire connection error');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.status).toBe(1);
  });
});
