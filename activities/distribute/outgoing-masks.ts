import type { Config } from '../../schemas/config.ts';
import { resolveMaskingKey } from '../../config/masking-keys.ts';
import { maskerFor, type Masker } from '../../governance/masking/masker.ts';
import { keyFingerprint } from '../../governance/masking/pseudonym.ts';
import { copyTextRow } from '../../connectors/postgres/copy-text.ts';
import type { SourceChunk } from '../../connectors/source-chunk.ts';
import type { DistributionPlan } from './plan-distribution.ts';

/** Each sent column's mask, and the key version (with its algorithm and fingerprint) pseudonyms were made with. */
export interface MaskingRecord {
  masks: Record<string, string>;
  keyVersion?: string;
  algorithm?: string;
  keyFingerprint?: string;
}

/**
 * How a distribution or share masks what leaves: one masker per sent column (undefined: sent as it
 * is), the masking key resolved from configuration only when a pseudonym needs it, and the record of
 * both that goes into the checkpoint, the audit log and the manifest.
 */
export function outgoingMasks(
  config: Config,
  plan: Pick<DistributionPlan, 'masks' | 'targetColumns'>,
): {
  maskers: (Masker | undefined)[];
  record: MaskingRecord;
  /** Rows of a chunk as they leave: the payload itself when nothing is masked. */
  payload(chunk: SourceChunk): Buffer;
} {
  const key = plan.masks.some((m) => m.mask === 'pseudonym') ? resolveMaskingKey(config) : undefined;
  const maskers = plan.masks.map((m) => (m.mask === 'none' ? undefined : maskerFor(m, key)));
  const masking = maskers.some(Boolean);
  return {
    maskers,
    record: {
      masks: Object.fromEntries(plan.targetColumns.map((c, i) => [c.name, plan.masks[i]!.mask])),
      ...(key ? { keyVersion: key.version, algorithm: key.algorithm, keyFingerprint: keyFingerprint(key) } : {}),
    },
    payload: (chunk) => (masking ? maskedPayload(chunk, maskers) : chunk.payload),
  };
}

/** The chunk's rows with the masked columns masked, as COPY text again. */
function maskedPayload(chunk: SourceChunk, maskers: (Masker | undefined)[]): Buffer {
  let text = '';
  for (const row of chunk.rows) text += copyTextRow(row.map((value, i) => (maskers[i] ? maskers[i]!(value) : value)));
  return Buffer.from(text, 'utf8');
}
