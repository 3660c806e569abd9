import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHashes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load-config.ts';
import { checkMaskingRuntime, MIN_SECRET_BYTES, resolveMaskingKey } from '../../../config/masking-keys.ts';
import { pseudonym } from '../../../governance/masking/pseudonym.ts';
import type { Config } from '../../../schemas/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'dataops-masking-'));
const SECRET_V1 = 'v1-secret-for-tests-only-0123456789abcdef';
const SECRET_V2 = 'v2-secret-for-tests-only-0123456789abcdef';

function configWith(yaml: string, env: Record<string, string> = {}): { config: Config; env: NodeJS.ProcessEnv } {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  const all = { DATAOPS_CONFIG: path, ...env } as NodeJS.ProcessEnv;
  return { config: loadConfig(all), env: all };
}

const TWO_KEYS = `masking:
  currentKey: v2
  keys:
    v1: { secretEnv: DATAOPS_MASKING_KEY_V1, algorithm: hmac-sha256 }
    v2: { secretEnv: DATAOPS_MASKING_KEY_V2, algorithm: hmac-sm3, description: from 2027 }
`;

describe('masking key configuration', () => {
  it('resolves the current key, or a named version, with the algorithm config names', () => {
    const { config, env } = configWith(TWO_KEYS, { DATAOPS_MASKING_KEY_V1: SECRET_V1, DATAOPS_MASKING_KEY_V2: SECRET_V2 });
    const current = resolveMaskingKey(config, undefined, env);
    expect(current).toMatchObject({ version: 'v2', algorithm: 'hmac-sm3' });
    expect(current.secret.export().toString()).toBe(SECRET_V2);
    const v1 = resolveMaskingKey(config, 'v1', env);
    expect(v1).toMatchObject({ version: 'v1', algorithm: 'hmac-sha256' });
    expect(pseudonym('13812345678', v1)).toMatch(/^v1_/);
    expect(pseudonym('13812345678', v1)).not.toBe(pseudonym('13812345678', current)?.replace(/^v2/, 'v1'));
  });

  it('fails clearly on an unknown version, a missing variable and a short secret, never printing the secret', () => {
    const short = 'x'.repeat(MIN_SECRET_BYTES - 1);
    const { config, env } = configWith(TWO_KEYS, { DATAOPS_MASKING_KEY_V1: short });
    expect(() => resolveMaskingKey(config, 'v9', env)).toThrow('unknown masking key version "v9" (known: v1, v2)');
    expect(() => resolveMaskingKey(config, undefined, env)).toThrow('masking key v2: environment variable DATAOPS_MASKING_KEY_V2 is not set');
    expect(() => resolveMaskingKey(config, 'v1', env)).toThrow('masking key v1: DATAOPS_MASKING_KEY_V1 holds 31 bytes; at least 32 are needed');
    try {
      resolveMaskingKey(config, 'v1', env);
    } catch (e) {
      expect((e as Error).message).not.toContain(short);
      expect((e as Error).name).toBe('BadInputError');
    }
    // 32 bytes counted in UTF-8: 11 ideographs are 33.
    expect(resolveMaskingKey(config, 'v1', { ...env, DATAOPS_MASKING_KEY_V1: '闵'.repeat(11) }).version).toBe('v1');
  });

  it('fails clearly when masking is not configured', () => {
    const config = loadConfig({} as NodeJS.ProcessEnv);
    expect(config.masking).toBeUndefined();
    expect(() => resolveMaskingKey(config, undefined, {})).toThrow(/configure masking.keys and masking.currentKey/);
  });

  it('refuses configs that would put the secret in the file, lose the current key or share a secret', () => {
    const bad = (yaml: string) => () => configWith(yaml);
    expect(bad('masking:\n  currentKey: v1\n  keys:\n    v1: { secretEnv: K1, algorithm: hmac-sm3, secret: abc }\n')).toThrow(
      /masking\.keys\.v1: Unrecognized key: "secret"/,
    );
    expect(bad('masking:\n  currentKey: v1\n  keys:\n    v1: { secretEnv: "a-secret-value", algorithm: hmac-sm3 }\n')).toThrow(
      /masking\.keys\.v1\.secretEnv: must name an environment variable/,
    );
    expect(bad('masking:\n  currentKey: v3\n  keys:\n    v1: { secretEnv: K1, algorithm: hmac-sm3 }\n')).toThrow(
      /masking\.currentKey: key version "v3" is not among masking\.keys \(v1\)/,
    );
    expect(bad('masking:\n  currentKey: v1\n  keys:\n    v1: { secretEnv: K1, algorithm: md5 }\n')).toThrow(/masking\.keys\.v1\.algorithm/);
    expect(
      bad('masking:\n  currentKey: v1\n  keys:\n    v1: { secretEnv: K1, algorithm: hmac-sm3 }\n    v2: { secretEnv: K1, algorithm: hmac-sm3 }\n'),
    ).toThrow(/masking\.keys\.v2\.secretEnv: key versions v1 and v2 share K1/);
    expect(bad('masking:\n  currentKey: V_1\n  keys:\n    V_1: { secretEnv: K1, algorithm: hmac-sm3 }\n')).toThrow(/must be a short key version/);
  });

  it('reports at start-up whether SM3 is there and which keys resolve, without secrets', () => {
    const { config, env } = configWith(TWO_KEYS, { DATAOPS_MASKING_KEY_V1: SECRET_V1 });
    const report = checkMaskingRuntime(config, env);
    expect(report.sm3).toBe(getHashes().includes('sm3'));
    expect(report.openssl).toBe(process.versions.openssl);
    expect(report.keys.map((k) => [k.version, k.current, Boolean(k.fingerprint), Boolean(k.problem)])).toEqual([
      ['v1', false, true, false],
      ['v2', true, false, true],
    ]);
    expect(report.ok).toBe(false); // the current key does not resolve on this worker
    expect(JSON.stringify(report)).not.toContain(SECRET_V1);
    const fixed = checkMaskingRuntime(config, { ...env, DATAOPS_MASKING_KEY_V2: SECRET_V2 });
    expect(fixed.ok).toBe(true);
    expect(checkMaskingRuntime(loadConfig({} as NodeJS.ProcessEnv), {})).toMatchObject({ ok: true, keys: [] });
  });
});
