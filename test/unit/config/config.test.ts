import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redactSecrets, describeServer, describeUrl } from '../../../config/redact.ts';
import { loadConfig } from '../../../config/load-config.ts';
import { resolveFilePath, resolvePostgresUrl } from '../../../config/connections.ts';
import { locateTemporalCli, PROJECT_TEMPORAL_PATH } from '../../../temporal/cli-locator.ts';
import { tableRefSchema } from '../../../schemas/identifiers.ts';

describe('redaction', () => {
  it('hides passwords in URLs and key=value pairs', () => {
    expect(redactSecrets('connect postgres://hr:s3cret@db:5432/hr failed')).toBe('connect postgres://hr:***@db:5432/hr failed');
    expect(redactSecrets('host=db password=s3cret user=hr')).toBe('host=db password=*** user=hr');
    expect(describeUrl('postgres://hr:s3cret@db/hr')).toBe('postgres://hr:***@db/hr');
    expect(describeServer('postgres://hr:s3cret@db:5433/hr')).toBe('database "hr" on db:5433');
    expect(describeServer('mysql://root@127.0.0.1:3306/')).toBe('127.0.0.1:3306');
    expect(describeServer('not a url:// at all')).toBe('a server whose URL does not parse');
  });
});

describe('configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dataops-config-'));
  it('defaults to the local PostgreSQL and Temporal', () => {
    const config = loadConfig({ DATAOPS_CONFIG: undefined } as NodeJS.ProcessEnv);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/dataops');
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'dataops' });
    expect(config.connections.samples?.type).toBe('files');
  });

  it('reads named connections whose secrets stay in the environment', () => {
    const path = join(dir, 'dataops.config.yaml');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config file's own ${VAR} syntax
    writeFileSync(path, 'connections:\n  hr:\n    type: postgres\n    url: ${HR_URL}\n  crm:\n    type: postgres\n    urlEnv: CRM_URL\n');
    const env = { DATAOPS_CONFIG: path, HR_URL: 'postgres://hr:pw@h/hr', CRM_URL: 'postgres://c@h/crm' } as NodeJS.ProcessEnv;
    const config = loadConfig(env);
    expect(resolvePostgresUrl(config, 'hr', env)).toBe('postgres://hr:pw@h/hr');
    expect(resolvePostgresUrl(config, 'crm', env)).toBe('postgres://c@h/crm');
    expect(resolvePostgresUrl(config, 'centre', env)).toBe(config.databaseUrl);
    expect(() => resolvePostgresUrl(config, 'nope', env)).toThrow(
      /unknown connection "nope" \(known: centre, centre_mqtt, centre_nats, crm, hr, outbox, samples/,
    );
    expect(() => resolvePostgresUrl(config, 'samples', env)).toThrow(/is a files connection, not postgres/);
  });

  it('names the path of an invalid config entry', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'connections:\n  hr:\n    type: oracle\n');
    expect(() => loadConfig({ DATAOPS_CONFIG: path } as NodeJS.ProcessEnv)).toThrow(/connections\.hr\.type/);
  });

  it('suggests the key meant for a misspelt one', () => {
    const path = join(dir, 'typo.yaml');
    writeFileSync(path, 'temporal:\n  adress: 127.0.0.1:7233\n');
    expect(() => loadConfig({ DATAOPS_CONFIG: path } as NodeJS.ProcessEnv)).toThrow(/temporal: Unrecognized key: "adress" \(did you mean address\?\)/);
  });

  it('keeps file paths inside their connection root', () => {
    const config = loadConfig({} as NodeJS.ProcessEnv);
    expect(resolveFilePath(config, 'samples', 'residents.csv')).toMatch(/samples\/data\/residents\.csv$/);
    expect(() => resolveFilePath(config, 'samples', '../../etc/passwd')).toThrow(/escapes the root/);
  });
});

describe('table names', () => {
  it('accepts plain identifiers and refuses anything that could inject SQL', () => {
    for (const ok of ['raw.residents', 'residents', '_x.y_1']) expect(tableRefSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['x; drop table y', 'Raw.Residents', 'a.b.c', '"x"', 'x--', '']) expect(tableRefSchema.safeParse(bad).success).toBe(false);
  });
});

describe('Temporal CLI locator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dataops-cli-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const fake = join(bin, 'temporal');
  writeFileSync(fake, '#!/bin/sh\n');
  chmodSync(fake, 0o755);

  it('prefers TEMPORAL_CLI_PATH, then PATH, then the project install', () => {
    expect(locateTemporalCli({ TEMPORAL_CLI_PATH: fake, PATH: '' })).toEqual({ source: 'env', path: fake });
    expect(locateTemporalCli({ PATH: bin })).toEqual({ source: 'path', path: fake });
    const fallback = locateTemporalCli({ PATH: '' });
    expect(fallback).toEqual(existsSync(PROJECT_TEMPORAL_PATH) ? { source: 'project', path: PROJECT_TEMPORAL_PATH } : { source: 'sdk-download' });
  });

  it('refuses a TEMPORAL_CLI_PATH that is not executable', () => {
    expect(() => locateTemporalCli({ TEMPORAL_CLI_PATH: join(dir, 'missing') })).toThrow(/not an executable file/);
  });
});

describe('redaction of less usual URLs', () => {
  it('hides an empty-user password and password query parameters', () => {
    expect(redactSecrets('postgres://:pw@db/x')).toBe('postgres://:***@db/x');
    expect(describeUrl('postgres://db/x?user=hr&password=s3cret')).toBe('postgres://db/x?user=hr&password=***');
  });
});
