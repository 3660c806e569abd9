// Masking keys: looked up from configuration and the environment, only inside activities (never part of
// a spec or a workflow input). Config names the variable that holds each version's secret.
import { createSecretKey } from 'node:crypto';
import { BadInputError } from '../errors/bad-input.ts';
import { algorithmAvailable, keyFingerprint, type MaskingKey, preferredAlgorithm } from '../governance/masking/pseudonym.ts';
import type { Config } from '../schemas/config.ts';
import type { PseudonymAlgorithm } from '../schemas/masking.ts';

/** HMAC keys shorter than this are refused (`openssl rand -base64 48` gives 64). */
export const MIN_SECRET_BYTES = 32;

function knownVersions(config: Config): string {
  return Object.keys(config.masking?.keys ?? {}).join(', ') || 'none';
}

/**
 * The key of `version` (default: masking.currentKey): its algorithm from config, its secret from the
 * environment variable config names, as UTF-8 bytes. Fails, naming the variable but never its value,
 * when masking is not configured, the version is unknown, the variable is unset or shorter than
 * 32 bytes, or this runtime lacks the algorithm (no fallback: it would silently change pseudonyms).
 */
export function resolveMaskingKey(config: Config, version?: string, env: NodeJS.ProcessEnv = process.env): MaskingKey {
  const masking = config.masking;
  if (!masking) throw new BadInputError('pseudonyms need a masking key: configure masking.keys and masking.currentKey in the config file');
  const wanted = version ?? masking.currentKey;
  const entry = Object.hasOwn(masking.keys, wanted) ? masking.keys[wanted] : undefined;
  if (!entry) throw new BadInputError(`unknown masking key version "${wanted}" (known: ${knownVersions(config)})`);
  const raw = env[entry.secretEnv];
  if (!raw) throw new BadInputError(`masking key ${wanted}: environment variable ${entry.secretEnv} is not set`);
  const bytes = Buffer.from(raw, 'utf8');
  if (bytes.length < MIN_SECRET_BYTES)
    throw new BadInputError(`masking key ${wanted}: ${entry.secretEnv} holds ${bytes.length} bytes; at least ${MIN_SECRET_BYTES} are needed`);
  if (!algorithmAvailable(entry.algorithm))
    throw new BadInputError(
      `masking key ${wanted} uses ${entry.algorithm}, which this Node runtime (OpenSSL ${process.versions.openssl ?? 'unknown'}) lacks; ` +
        'run it on a runtime that has it (falling back would give the same values other pseudonyms)',
    );
  return { version: wanted, algorithm: entry.algorithm, secret: createSecretKey(bytes) };
}

export interface MaskingKeyStatus {
  version: string;
  algorithm: PseudonymAlgorithm;
  current: boolean;
  /** The key's check value, when it resolves (safe to log and to record with outputs). */
  fingerprint?: string;
  /** Why the key cannot be used on this worker. */
  problem?: string;
}

export interface MaskingRuntimeReport {
  /** Whether this runtime's OpenSSL offers SM3 (so HMAC-SM3). */
  sm3: boolean;
  openssl: string;
  /** What a new key version should name here. */
  recommended: PseudonymAlgorithm;
  keys: MaskingKeyStatus[];
  /** True when masking is configured and the current key resolves (or masking is not configured at all). */
  ok: boolean;
}

/**
 * The start-up check for workers: SM3 availability and, per configured key version, whether it resolves
 * here (variable set, long enough, algorithm available). Never throws and never includes a secret.
 */
export function checkMaskingRuntime(config?: Config, env: NodeJS.ProcessEnv = process.env): MaskingRuntimeReport {
  const keys: MaskingKeyStatus[] = [];
  for (const [version, entry] of Object.entries(config?.masking?.keys ?? {})) {
    const status: MaskingKeyStatus = { version, algorithm: entry.algorithm, current: version === config?.masking?.currentKey };
    try {
      status.fingerprint = keyFingerprint(resolveMaskingKey(config!, version, env));
    } catch (e) {
      status.problem = (e as Error).message;
    }
    keys.push(status);
  }
  return {
    sm3: algorithmAvailable('hmac-sm3'),
    openssl: process.versions.openssl ?? 'unknown',
    recommended: preferredAlgorithm(),
    keys,
    ok: !config?.masking || keys.some((k) => k.current && !k.problem),
  };
}
